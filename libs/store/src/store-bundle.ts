import { RateLimiter } from './ports/rate-limiter';
import { TokenCache } from './ports/token-cache';
import { MemoryRateLimiter } from './memory/memory-rate-limiter';
import { MemoryTokenCache } from './memory/memory-token-cache';

/** Every shared-state port the gateway needs, from one backing store. */
export interface StoreBundle {
  readonly kind: 'memory' | 'redis';
  readonly rateLimiter: RateLimiter;
  readonly tokenCache: TokenCache;
  /** Throws when the store cannot be reached; used by readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** State in this process only: right for one process on a laptop, wrong for replicas. */
export function createMemoryStore(): StoreBundle {
  return {
    kind: 'memory',
    rateLimiter: new MemoryRateLimiter(),
    tokenCache: new MemoryTokenCache(),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
