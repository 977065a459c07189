export * from './account-config';
export * from './config-error';
export * from './gateway-config';
export * from './interpolate-env';
export * from './load-gateway-config';
