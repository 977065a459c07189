import { RateLimit } from '@app/core';
import { AcquireResult, RateLimiter } from '../ports/rate-limiter';

interface Window {
  grants: number[];
  pausedUntil: number;
}

/** One process only: the in-memory twin of the Redis limiter, for `npm start` on a laptop. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  async tryAcquire(key: string, limit: RateLimit, ceiling = limit.limit): Promise<AcquireResult> {
    const now = this.now();
    const window = this.windowOf(key);
    if (window.pausedUntil > now) return { granted: false, retryAfterMs: window.pausedUntil - now };
    const since = now - limit.windowMs;
    while (window.grants.length > 0 && window.grants[0] <= since) window.grants.shift();
    const cap = Math.min(ceiling, limit.limit);
    if (window.grants.length < cap) {
      window.grants.push(now);
      return { granted: true };
    }
    // The window frees its oldest grants first; this caller needs the count below its own cap.
    const freeing = window.grants[window.grants.length - cap];
    return { granted: false, retryAfterMs: Math.max(1, freeing + limit.windowMs - now) };
  }

  async pause(key: string, ms: number): Promise<void> {
    const window = this.windowOf(key);
    window.pausedUntil = Math.max(window.pausedUntil, this.now() + ms);
  }

  private windowOf(key: string): Window {
    let window = this.windows.get(key);
    if (!window) {
      window = { grants: [], pausedUntil: 0 };
      this.windows.set(key, window);
    }
    return window;
  }
}
