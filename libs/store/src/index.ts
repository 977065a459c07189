export * from './ports/rate-limiter';
export * from './ports/token-cache';
export * from './memory/memory-rate-limiter';
export * from './memory/memory-token-cache';
export * from './budget-gate';
export * from './store-bundle';
