import type { Redis } from 'ioredis';

/**
 * Deletes a run's keys from a shared Redis: the store's own (`<prefix>...`, BullMQ's among them), and
 * the inbound throttler's, which wraps the prefixed key in a hash tag (`{<prefix>...`).
 */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for (const match of [`${prefix}*`, `{${prefix}*`]) {
    const stream = redis.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>;
    for await (const keys of stream) if (keys.length > 0) await redis.del(...keys);
  }
}
