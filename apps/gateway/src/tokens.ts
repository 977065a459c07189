/** Injection tokens for values built before the Nest container (configuration, store). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const STORE_BUNDLE = Symbol('STORE_BUNDLE');
