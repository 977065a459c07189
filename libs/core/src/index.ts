export * from './capabilities';
export * from './domain';
export * from './errors/catalogue';
export * from './errors/gateway-error';
export * from './provider';
export * from './token-cache';
export * from './vendor-call-gate';
export * from './validation/flatten-validation-errors';
