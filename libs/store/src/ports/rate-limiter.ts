import { RateLimit } from '@app/core';

export type AcquireResult = { granted: true } | { granted: false; retryAfterMs: number };

/**
 * A strict sliding window per key: at most `limit.limit` grants in any `limit.windowMs`. Implementations
 * shared by several processes must decide on one clock (the store's), not the callers'.
 */
export interface RateLimiter {
  /**
   * Takes one grant, or says how long until one could be had. `ceiling` (≤ limit) caps how much of the
   * window this caller may fill, so lower-priority work leaves room for others.
   */
  tryAcquire(key: string, limit: RateLimit, ceiling?: number): Promise<AcquireResult>;
  /** Refuses every grant on `key` for `ms`, e.g. after the vendor itself said it is over its limit. */
  pause(key: string, ms: number): Promise<void>;
}
