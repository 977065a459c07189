import { RateLimit } from '@app/core';
import { AcquireResult, GrantRequest, RateLimiter, SharingPolicy } from '../ports/rate-limiter';
import { TURN_RETRY_MS } from '../sharing-rules';

interface Window {
  /** Grants, oldest first. */
  grants: { at: number; id: string }[];
  pausedUntil: number;
  /** Interactive calls waiting: id → when their registration lapses. */
  waiters: Map<string, number>;
  /** Bulk tenants taking turns: tenant → when their registration lapses. */
  contenders: Map<string, number>;
  /** Bulk tenant → when it last had a grant. */
  turns: Map<string, number>;
  /** Until when an interactive call counts as seen (one window after the last one asked). */
  interactiveSeenUntil: number;
}

/**
 * One process only: the in-memory twin of the Redis limiter, for `npm start` on a laptop. The rules are
 * the ones of the Redis script (scripts/rate-limiter.scripts.ts), step by step.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly leases = new Map<string, { holder: string; until: number }>();

  /** Sub-millisecond, like the Redis clock, so two grants in one millisecond still have an order. */
  constructor(private readonly now: () => number = () => performance.timeOrigin + performance.now()) {}

  async tryAcquire(
    key: string,
    limit: RateLimit,
    request: GrantRequest,
    policy: SharingPolicy,
  ): Promise<AcquireResult> {
    const now = this.now();
    const window = this.windowOf(key);
    dropBefore(window, now, limit.windowMs);
    const count = window.grants.length;
    const freesIn = (position: number) => Math.max(1, window.grants[position].at + limit.windowMs - now);

    if (request.priority === 'interactive') {
      window.interactiveSeenUntil = now + limit.windowMs;
      let wait: number | undefined;
      if (window.pausedUntil > now) wait = window.pausedUntil - now;
      else if (count >= limit.limit) wait = freesIn(count - limit.limit);
      if (wait === undefined) {
        window.grants.push({ at: now, id: request.id });
        window.waiters.delete(request.id);
        return { granted: true };
      }
      window.waiters.set(request.id, now + wait + policy.leaseMs);
      return { granted: false, retryAfterMs: Math.max(1, Math.ceil(wait)) };
    }

    let wait: number | undefined;
    if (window.pausedUntil > now) {
      wait = window.pausedUntil - now;
    } else {
      const seen = window.interactiveSeenUntil > now;
      let cap = limit.limit - window.waiters.size;
      if (seen) cap = Math.min(cap, Math.floor(limit.limit * (1 - policy.interactiveShare)));
      if (count >= cap) {
        wait = cap <= 0 ? (count > 0 ? freesIn(0) : policy.leaseMs) : freesIn(count - cap);
      } else if (seen && count + 1 >= limit.limit) {
        const soonest = count > 0 ? freesIn(0) : limit.windowMs;
        if (soonest > policy.spacingMs) wait = soonest - policy.spacingMs;
      }
      if (wait === undefined && seen && count > 0) {
        const sinceNewest = now - window.grants[count - 1].at;
        if (sinceNewest < policy.spacingMs) wait = policy.spacingMs - sinceNewest;
      }
      if (wait === undefined) {
        const mine = window.turns.get(request.tenant) ?? 0;
        for (const other of window.contenders.keys()) {
          if (other !== request.tenant && (window.turns.get(other) ?? 0) < mine) {
            wait = Math.min(TURN_RETRY_MS, policy.leaseMs);
            break;
          }
        }
      }
    }
    window.contenders.set(request.tenant, now + (wait ?? 0) + policy.leaseMs);
    if (wait !== undefined) return { granted: false, retryAfterMs: Math.max(1, Math.ceil(wait)) };
    window.grants.push({ at: now, id: request.id });
    window.turns.set(request.tenant, now);
    return { granted: true };
  }

  async withdraw(key: string, waiterId: string): Promise<void> {
    this.windows.get(key)?.waiters.delete(waiterId);
  }

  async restamp(key: string, id: string): Promise<void> {
    const window = this.windows.get(key);
    const index = window?.grants.findIndex((grant) => grant.id === id) ?? -1;
    if (!window || index < 0) return;
    // Now is later than every grant, so the moved one goes last and the list stays in order.
    const [grant] = window.grants.splice(index, 1);
    window.grants.push({ id: grant.id, at: Math.max(grant.at, this.now()) });
  }

  async pause(key: string, ms: number): Promise<void> {
    const window = this.windowOf(key);
    window.pausedUntil = Math.max(window.pausedUntil, this.now() + ms);
  }

  async lease(key: string, holder: string, ms: number): Promise<boolean> {
    const now = this.now();
    const current = this.leases.get(key);
    if (current && current.until > now && current.holder !== holder) return false;
    this.leases.set(key, { holder, until: now + ms });
    return true;
  }

  async release(key: string, holder: string): Promise<void> {
    if (this.leases.get(key)?.holder === holder) this.leases.delete(key);
  }

  private windowOf(key: string): Window {
    let window = this.windows.get(key);
    if (!window) {
      window = {
        grants: [],
        pausedUntil: 0,
        waiters: new Map(),
        contenders: new Map(),
        turns: new Map(),
        interactiveSeenUntil: 0,
      };
      this.windows.set(key, window);
    }
    return window;
  }
}

/** Grants that left the window, and registrations that lapsed. */
function dropBefore(window: Window, now: number, windowMs: number): void {
  const since = now - windowMs;
  while (window.grants.length > 0 && window.grants[0].at <= since) window.grants.shift();
  for (const [id, until] of window.waiters) if (until <= now) window.waiters.delete(id);
  for (const [tenant, until] of window.contenders) if (until <= now) window.contenders.delete(tenant);
}
