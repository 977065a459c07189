import type { RedisClient, RedisConnection } from './redis/redis-connection';
import { IdempotencyStore } from './ports/idempotency-store';
import { OperationStore } from './ports/operation-store';
import { RateLimiter } from './ports/rate-limiter';
import { TokenCache } from '@app/core';
import { MemoryIdempotencyStore } from './memory/memory-idempotency-store';
import { MemoryOperationStore } from './memory/memory-operation-store';
import { MemoryRateLimiter } from './memory/memory-rate-limiter';
import { MemoryTokenCache } from './memory/memory-token-cache';

/** Every shared-state port the gateway needs, from one backing store. */
export interface StoreBundle {
  readonly kind: 'memory' | 'redis';
  readonly rateLimiter: RateLimiter;
  readonly tokenCache: TokenCache;
  readonly idempotency: IdempotencyStore;
  /** Bulk operations, their numbers and per-number outcomes. */
  readonly operations: OperationStore;
  /**
   * The raw client behind a Redis bundle, for infrastructure that needs one of its own kind (the
   * inbound throttler's storage). It is fail-fast: commands fail at once while Redis is down. It has
   * no key prefix; the ports above add theirs. A Cluster client in Cluster mode.
   */
  readonly redis?: RedisClient;
  /** How to open more clients of the same deployment (BullMQ's), when the store is Redis. */
  readonly redisConnection?: RedisConnection;
  /** Prefix for keys that infrastructure using `redis` writes, so runs sharing one Redis stay apart. */
  readonly keyPrefix: string;
  /** Throws `store_unavailable` when the store cannot be reached; used by readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** State in this process only: right for one process on a laptop, wrong for replicas. */
export function createMemoryStore(): StoreBundle {
  return {
    kind: 'memory',
    rateLimiter: new MemoryRateLimiter(),
    tokenCache: new MemoryTokenCache(),
    idempotency: new MemoryIdempotencyStore(),
    operations: new MemoryOperationStore(),
    keyPrefix: '',
    ping: async () => undefined,
    close: async () => undefined,
  };
}

export { createRedisStore, waitForRedis } from './redis/redis-store';
export {
  closeClient,
  describeRedisConnection,
  FAIL_FAST_CLIENT_OPTIONS,
  parseRedisUrl,
  pingRedis,
  RedisConnection,
  redisConnectionFromEnv,
  RedisEnvError,
} from './redis/redis-connection';
export type {
  RedisClient,
  RedisClientRole,
  RedisConnectionSpec,
  RedisEndpoint,
  RedisTarget,
} from './redis/redis-connection';
export type { RedisStoreOptions } from './redis/redis-store';
