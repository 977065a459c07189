import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startTestRedis, TestRedis } from '../../../../test/support/redis';
import { RedisKeyspace } from './redis-keyspace';
import { RedisThrottlerStorage } from './redis-throttler-storage';

/** The inbound throttler's storage on a real Redis: its counting, blocking, expiry and atomicity. */
describe('RedisThrottlerStorage', () => {
  let server: TestRedis;
  let redis: Redis;
  let keyspace: RedisKeyspace;
  let storage: RedisThrottlerStorage;

  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
  }, 20_000);
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });
  beforeEach(() => {
    // A prefix of its own per test, so runs sharing one Redis (REDIS_URL) never meet.
    keyspace = new RedisKeyspace(`test:${randomUUID()}:`);
    storage = new RedisThrottlerStorage(redis, keyspace);
  });

  it('counts hits in a window, then blocks the one over the limit for the block duration', async () => {
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await storage.increment('client:a', 3000, 3, 5000, 'per-client'));
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[0].timeToExpire).toBe(3);
    expect(hits[0].timeToBlockExpire).toBe(0);
    expect(hits[3].timeToBlockExpire).toBe(5);
    // Still blocked, and the block's time runs down rather than starting again.
    const again = await storage.increment('client:a', 3000, 3, 5000, 'per-client');
    expect(again.isBlocked).toBe(true);
    expect(again.timeToBlockExpire).toBeLessThanOrEqual(5);
  });

  it('keeps clients and throttlers apart', async () => {
    for (let i = 0; i < 3; i++) await storage.increment('client:a', 3000, 2, 3000, 'per-client');
    expect(await storage.increment('client:a', 3000, 2, 3000, 'per-client')).toMatchObject({
      isBlocked: true,
    });
    expect(await storage.increment('client:b', 3000, 2, 3000, 'per-client')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
    expect(await storage.increment('client:a', 3000, 2, 3000, 'other')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('lets the client in again once the block and the window have passed', async () => {
    for (let i = 0; i < 3; i++) await storage.increment('client:a', 200, 2, 300, 'per-client');
    expect(await storage.increment('client:a', 200, 2, 300, 'per-client')).toMatchObject({ isBlocked: true });
    await sleep(450);
    expect(await storage.increment('client:a', 200, 2, 300, 'per-client')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('keeps its keys under the prefix, in one Cluster slot, expiring with the window and the block', async () => {
    for (let i = 0; i < 3; i++) await storage.increment('client:{odd}', 3000, 2, 4000, 'per-client');
    const keys = keyspace.inbound('per-client:client:{odd}');
    expect(keys.hits.startsWith(keyspace.prefix)).toBe(true);
    expect(await redis.get(keys.hits)).toBe('3');
    const [hitsTtl, blockTtl] = [await redis.pttl(keys.hits), await redis.pttl(keys.blocked)];
    expect(hitsTtl).toBeGreaterThan(0);
    expect(hitsTtl).toBeLessThanOrEqual(3000);
    expect(blockTtl).toBeGreaterThan(3000);
    expect(blockTtl).toBeLessThanOrEqual(4000);
    // Redis Cluster hashes the text between the first '{' and the next '}': the same for both keys.
    const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    expect(hashTag(keys.hits)).toBeTruthy();
    expect(hashTag(keys.blocked)).toBe(hashTag(keys.hits));
  });

  it('never lets concurrent requests count past the limit together', async () => {
    // Four clients, as four replicas would have.
    const clients = Array.from({ length: 3 }, () => new Redis(server.url));
    try {
      const all = [storage, ...clients.map((client) => new RedisThrottlerStorage(client, keyspace))];
      const records = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          all[i % all.length].increment('client:a', 10_000, 10, 10_000, 'p'),
        ),
      );
      expect(records.filter((record) => !record.isBlocked)).toHaveLength(10);
      expect(records.map((record) => record.totalHits).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
    } finally {
      await Promise.all(clients.map((client) => client.quit()));
    }
  });
});
