import type { StoreBundle } from '../store-bundle';
import { RedisIdempotencyStore } from './redis-idempotency-store';
import { RedisKeyspace } from './redis-keyspace';
import { RedisOperationStore } from './redis-operation-store';
import { closeClient, pingRedis, RedisConnection } from './redis-connection';
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
 * The store shared by replicas: every port on one Redis client (one node, a Sentinel-managed primary,
 * or a Cluster). Commands fail with `store_unavailable` until the client is connected, so call
 * `waitForRedis` at process start. A URL is one node (`redis://` or `rediss://`).
 */
export function createRedisStore(
  target: string | RedisConnection,
  options: RedisStoreOptions = {},
): StoreBundle {
  const connection = typeof target === 'string' ? RedisConnection.fromUrl(target) : target;
  const redis = connection.open('fail-fast');
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
    redisConnection: connection,
    keyPrefix: keyspace.prefix,
    ping: async () => {
      await storeCall(() => pingRedis(redis));
    },
    close: async () => {
      // The clients lent to BullMQ too (Cluster mode); BullMQ has closed its own by now.
      await Promise.all([closeClient(redis), connection.close()]);
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
