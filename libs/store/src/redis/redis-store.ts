import { Redis, RedisOptions } from 'ioredis';
import type { StoreBundle } from '../store-bundle';
import { RedisIdempotencyStore } from './redis-idempotency-store';
import { RedisKeyspace } from './redis-keyspace';
import { RedisOperationStore } from './redis-operation-store';
import { RedisRateLimiter } from './redis-rate-limiter';
import { RedisTokenCache } from './redis-token-cache';
import { storeCall } from './store-errors';

export interface RedisStoreOptions {
  /** Put before every key (default `cg:`); tests pass a unique one to share a Redis safely. */
  keyPrefix?: string;
  /**
   * Told of every connection error (each failed reconnect too). Without it they are dropped: the
   * failing commands already say `store_unavailable`, and readiness reports the outage.
   */
  onError?: (error: Error) => void;
}

/**
 * Settings for a client on request paths: a request must fail within a couple of seconds when Redis is
 * down, never queue behind a reconnect, while the client keeps reconnecting in the background.
 */
export const FAIL_FAST_CLIENT_OPTIONS: RedisOptions = {
  // While disconnected, commands fail at once instead of waiting for a reconnect that may never come.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  // A hung server (or a dead peer the kernel has not noticed) fails the command, not the request.
  commandTimeout: 2000,
  // Never give up reconnecting; back off to one attempt a second.
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
};

/**
 * The store shared by replicas: every port on one Redis client. Commands fail with `store_unavailable`
 * until the client is connected, so call `waitForRedis` at process start.
 */
export function createRedisStore(url: string, options: RedisStoreOptions = {}): StoreBundle {
  const redis = new Redis(url, FAIL_FAST_CLIENT_OPTIONS);
  // Without a listener, a down Redis would emit an unhandled 'error' event on every reconnect attempt.
  const onError = options.onError ?? (() => undefined);
  redis.on('error', onError);
  const keyspace = new RedisKeyspace(options.keyPrefix);
  return {
    kind: 'redis',
    rateLimiter: new RedisRateLimiter(redis, keyspace),
    tokenCache: new RedisTokenCache(redis, keyspace),
    idempotency: new RedisIdempotencyStore(redis, keyspace),
    operations: new RedisOperationStore(redis, keyspace),
    redis,
    keyPrefix: keyspace.prefix,
    ping: async () => {
      await storeCall(() => redis.ping());
    },
    close: async () => {
      if (redis.status === 'end') return;
      // QUIT lets pending replies arrive; when Redis is down it fails at once, and only a disconnect
      // stops the reconnect loop.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Resolves true once the bundle's Redis client is ready, false after `timeoutMs` if it is not (the
 * process may start anyway and report not-ready). Always true for a store without Redis.
 */
export async function waitForRedis(bundle: StoreBundle, timeoutMs: number): Promise<boolean> {
  const redis = bundle.redis;
  if (!redis || redis.status === 'ready') return true;
  return new Promise<boolean>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      redis.off('ready', finish);
      redis.off('end', finish);
      resolve(redis.status === 'ready');
    };
    const timer = setTimeout(finish, timeoutMs);
    redis.on('ready', finish);
    redis.on('end', finish);
  });
}
