import { randomUUID } from 'node:crypto';
import { createMemoryStore, createRedisStore, StoreBundle, waitForRedis } from '@app/store';
import { TestRedis } from './redis';

export type StoreFactory = (redis: TestRedis) => Promise<StoreBundle>;

/**
 * Both stores, for suites that must behave the same on each (Redis for replicas, memory for
 * `npm start`): `describe.each(BOTH_STORES)('... with the %s store', (_name, createStore) => ...)`.
 * Each Redis store gets its own key prefix, so suites can share one server.
 */
export const BOTH_STORES: [string, StoreFactory][] = [
  [
    'redis',
    (redis) => connected(createRedisStore(redis.connection(), { keyPrefix: `test:${randomUUID()}:` })),
  ],
  ['memory', async () => createMemoryStore()],
];

/** Waits for the store's Redis connection (commands fail fast until then). */
export async function connected(store: StoreBundle): Promise<StoreBundle> {
  if (!(await waitForRedis(store, 5000))) throw new Error('the test Redis is not reachable');
  return store;
}
