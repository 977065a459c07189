import type { RedisClient } from './redis-connection';
import { RateLimit } from '@app/core';
import { AcquireResult, GrantRequest, RateLimiter, SharingPolicy } from '../ports/rate-limiter';
import { integerPair, runScript } from './redis-script';
import { RedisKeyspace } from './redis-keyspace';
import { storeCall } from './store-errors';
import {
  ACQUIRE_GRANT,
  PAUSE_WINDOW,
  RELEASE_LEASE,
  RESTAMP_GRANT,
  TAKE_LEASE,
  WITHDRAW_WAITER,
} from './scripts/rate-limiter.scripts';

/**
 * The sliding window shared by every replica: each decision is one script on Redis, timed by the Redis
 * server's clock, so replicas with skewed clocks still agree and together never exceed the limit.
 * Waiting interactive calls and bulk tenants' turns live beside the window, so every replica sees them.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: RedisKeyspace = new RedisKeyspace(),
  ) {}

  async tryAcquire(
    key: string,
    limit: RateLimit,
    request: GrantRequest,
    policy: SharingPolicy,
  ): Promise<AcquireResult> {
    const keys = this.keyspace.rateLimit(key);
    const interactive = request.priority === 'interactive';
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        ACQUIRE_GRANT,
        [keys.grants, keys.pause, keys.waiters, keys.contenders, keys.turns, keys.interactiveSeen],
        [
          limit.limit,
          limit.windowMs,
          request.priority,
          request.id,
          interactive ? '' : request.tenant,
          policy.spacingMs,
          policy.interactiveShare,
          policy.leaseMs,
        ],
      ),
    );
    const [granted, retryAfterMs] = integerPair(reply, ACQUIRE_GRANT);
    return granted === 1 ? { granted: true } : { granted: false, retryAfterMs };
  }

  async withdraw(key: string, waiterId: string): Promise<void> {
    const keys = this.keyspace.rateLimit(key);
    await storeCall(() => runScript(this.redis, WITHDRAW_WAITER, [keys.waiters], [waiterId]));
  }

  async restamp(key: string, id: string): Promise<void> {
    const keys = this.keyspace.rateLimit(key);
    await storeCall(() => runScript(this.redis, RESTAMP_GRANT, [keys.grants], [id]));
  }

  async pause(key: string, ms: number): Promise<void> {
    const keys = this.keyspace.rateLimit(key);
    await storeCall(() => runScript(this.redis, PAUSE_WINDOW, [keys.pause], [Math.ceil(ms)]));
  }

  async lease(key: string, holder: string, ms: number): Promise<boolean> {
    const keys = this.keyspace.rateLimit(key);
    const reply = await storeCall(() =>
      runScript(this.redis, TAKE_LEASE, [keys.lease], [holder, Math.ceil(ms)]),
    );
    return reply === 1;
  }

  async release(key: string, holder: string): Promise<void> {
    const keys = this.keyspace.rateLimit(key);
    await storeCall(() => runScript(this.redis, RELEASE_LEASE, [keys.lease], [holder]));
  }
}
