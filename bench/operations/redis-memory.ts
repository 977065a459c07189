import type { Redis } from 'ioredis';
import { RedisKeyspace } from '@app/store';

/** What one operation holds in Redis, by `MEMORY USAGE` of each key (every element counted). */
export interface OperationFootprint {
  /** The operation's own keys by part: `record`, `numbers`, `kinds`, `attempted`, `details`, `retries`. */
  keys: Record<string, number>;
  keysBytes: number;
  /** BullMQ's jobs for its chunks, kept an hour after they complete (`removeOnComplete`). */
  chunkJobs: number;
  chunkJobsBytes: number;
}

/** INFO memory `used_memory`: everything Redis has allocated, all clients' keys included. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

/**
 * The operation's keys all start with its record's key (`<prefix>{op:<id>}`); its chunk jobs are
 * BullMQ hashes `<prefix>{bull}:operations:<id>-chunk-<n>` (with `:lock` and `:logs` beside some).
 */
export async function operationFootprint(
  redis: Redis,
  keyPrefix: string,
  operationId: string,
): Promise<OperationFootprint> {
  const record = new RedisKeyspace(keyPrefix).operation(operationId).record;
  const keys: Record<string, number> = {};
  for (const [key, bytes] of await usage(redis, `${record}*`)) {
    keys[key === record ? 'record' : key.slice(record.length + 1)] = bytes;
  }
  const jobs = await usage(redis, `${keyPrefix}{bull}:operations:${operationId}-chunk-*`);
  return {
    keys,
    keysBytes: sum(Object.values(keys)),
    chunkJobs: [...jobs.keys()].filter((key) => /-chunk-\d+$/.test(key)).length,
    chunkJobsBytes: sum([...jobs.values()]),
  };
}

/** MEMORY USAGE (SAMPLES 0: exact) of every key matching `pattern`. */
async function usage(redis: Redis, pattern: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const stream = redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>;
  for await (const keys of stream) {
    for (const key of keys) {
      const bytes = await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
      if (typeof bytes === 'number') found.set(key, bytes);
    }
  }
  return found;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
