import type { RedisClient } from './redis-connection';
import { runScript } from './redis-script';
import { RedisKeyspace } from './redis-keyspace';
import { INBOUND_HIT } from './scripts/inbound-throttle.scripts';

/** What one hit tells the throttler; the shape of @nestjs/throttler's `ThrottlerStorageRecord`. */
export interface ThrottleRecord {
  totalHits: number;
  /** Seconds until the window's count starts again. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until the block ends; 0 when not blocked. */
  timeToBlockExpire: number;
}

/**
 * The inbound throttler's storage on Redis, shared by every replica: one script per request, so
 * concurrent requests from many replicas never count past the limit together. It fits
 * @nestjs/throttler's `ThrottlerStorage` port (checked where the gateway passes it to the module);
 * the library stays free of Nest. Errors are left as they are: the guard lets a request through when
 * its storage fails, since this limit protects the gateway and the vendor guards fail closed.
 */
export class RedisThrottlerStorage {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: RedisKeyspace = new RedisKeyspace(),
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottleRecord> {
    const keys = this.keyspace.inbound(`${throttlerName}:${key}`);
    const reply = await runScript(
      this.redis,
      INBOUND_HIT,
      [keys.hits, keys.blocked],
      [ttl, limit, blockDuration],
    );
    const values: unknown[] = Array.isArray(reply) ? reply : [];
    if (values.length !== 4 || values.some((value) => typeof value !== 'number')) {
      throw new Error(`${INBOUND_HIT.name} answered ${JSON.stringify(reply)}`);
    }
    const [totalHits, timeToExpireMs, blocked, timeToBlockExpireMs] = values as number[];
    return {
      totalHits,
      timeToExpire: Math.ceil(timeToExpireMs / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(timeToBlockExpireMs / 1000),
    };
  }
}
