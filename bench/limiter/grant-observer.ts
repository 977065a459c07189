import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/**
 * Copies every grant out of a limiter's sorted set while processes hammer it, to check the window on
 * the clock the limiter decides on (Redis' own): each member is a grant, its score the server time it
 * was given at. A grant stays in the set for at least one window (it is dropped only once it has left
 * the window), so polling several times a window misses none; the caller checks the count anyway.
 */
export function observeGrants(redis: Redis, grantsKey: string, everyMs = 100) {
  const seen = new Map<string, number>();
  let stopped = false;

  const poll = async () => {
    const flat = await redis.zrange(grantsKey, '0', '-1', 'WITHSCORES');
    for (let i = 0; i < flat.length; i += 2) seen.set(flat[i], Number(flat[i + 1]));
  };
  const polling = (async () => {
    while (!stopped) {
      await poll();
      await sleep(everyMs);
    }
  })();

  return {
    /** Stops polling and returns the server time of every grant seen, ascending. */
    stop: async (): Promise<number[]> => {
      stopped = true;
      await polling;
      await poll();
      return [...seen.values()].sort((a, b) => a - b);
    },
  };
}
