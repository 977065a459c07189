import type { Redis } from 'ioredis';
import { RedisKeyspace } from '@app/store';
import { observeGrants } from './grant-observer';
import { maxInWindow } from '../shared/stats';
import type { WorkerPool } from './worker-pool';

export interface WindowCheckOptions {
  keyPrefix: string;
  limit: number;
  windowMs: number;
  concurrencyEach: number;
  durationMs: number;
}

export interface WindowCheckResult {
  grantsPerProcess: number[];
  grants: number;
  refusals: number;
  /** Grants found in Redis' sorted set; must equal `grants`, or the check below saw too few. */
  grantsSeenInRedis: number;
  /** The limiter's promise, on its own clock: at most `limit` in any window. */
  maxInWindowRedisClock: number;
  /** The same count over the times the replies arrived in the processes; jitter can push it over. */
  maxInWindowReplyClock: number;
  ok: boolean;
}

/**
 * Several processes hammer one small budget at once; then every window is counted. The count that
 * decides is the one on Redis' clock, read from the grants themselves, since that is the clock the
 * limiter promises on; the reply-time count shows what a caller observes.
 */
export async function checkWindow(
  pool: WorkerPool,
  redis: Redis,
  options: WindowCheckOptions,
): Promise<WindowCheckResult> {
  const key = 'window-check';
  const observer = observeGrants(redis, new RedisKeyspace(options.keyPrefix).rateLimit(key).grants);
  const results = await pool.run({
    key,
    limit: { limit: options.limit, windowMs: options.windowMs },
    concurrency: options.concurrencyEach,
    durationMs: options.durationMs,
    recordGrantTimes: true,
  });
  const redisTimes = await observer.stop();

  const grantsPerProcess = results.map((result) => result.grants);
  const grants = grantsPerProcess.reduce((a, b) => a + b, 0);
  const maxInWindowRedisClock = maxInWindow(redisTimes, options.windowMs);
  return {
    grantsPerProcess,
    grants,
    refusals: results.reduce((sum, result) => sum + result.refusals, 0),
    grantsSeenInRedis: redisTimes.length,
    maxInWindowRedisClock,
    maxInWindowReplyClock: maxInWindow(
      results.flatMap((result) => result.grantTimes),
      options.windowMs,
    ),
    ok: maxInWindowRedisClock <= options.limit && redisTimes.length === grants,
  };
}
