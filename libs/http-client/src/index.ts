export * from './vendor-http-client';
export * from './transport-errors';
