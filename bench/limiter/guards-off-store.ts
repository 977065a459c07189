import {
  IdempotencyStore,
  MemoryOperationStore,
  MemoryTokenCache,
  RateLimiter,
  StoreBundle,
} from '@app/store';

/** Grants every call at once, without I/O: the gateway's vendor budget check costs nothing. */
const alwaysGrant: RateLimiter = {
  tryAcquire: async () => ({ granted: true }),
  withdraw: async () => undefined,
  restamp: async () => undefined,
  pause: async () => undefined,
  lease: async () => true,
  release: async () => undefined,
};

/**
 * The "guards off" requests carry no Idempotency-Key, so the gateway never asks this store; should it
 * ever, the request fails (500) and the benchmark stops, instead of quietly measuring something else.
 */
const neverAsked = (): never => {
  throw new Error('the guards-off gateway reached its idempotency store');
};
const unusedIdempotency: IdempotencyStore = {
  claim: async () => neverAsked(),
  renew: async () => neverAsked(),
  complete: async () => neverAsked(),
  release: async () => neverAsked(),
};

/**
 * A store bundle for the baseline gateway: no Redis at all, so the inbound throttler falls back to its
 * in-process storage (a map lookup), the limiter always grants and idempotency is never consulted.
 */
export function createGuardsOffStore(): StoreBundle {
  return {
    kind: 'memory',
    rateLimiter: alwaysGrant,
    // Ozonetel in basic-auth mode never asks for a token; this is only here to complete the bundle.
    tokenCache: new MemoryTokenCache(),
    idempotency: unusedIdempotency,
    // Single-number deletes never become operations; present only to complete the bundle.
    operations: new MemoryOperationStore(),
    keyPrefix: '',
    ping: async () => undefined,
    close: async () => undefined,
  };
}
