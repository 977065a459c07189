import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import {
  startSentinelRedis,
  startTestRedis,
  startTlsRedis,
  TestRedis,
  TLS_REDIS_USER,
} from '../../../../test/support/redis';
import { describeIdempotencyStoreContract } from '../contract/idempotency-store.contract';
import { describeOperationStoreContract } from '../contract/operation-store.contract';
import { plainAsk, PLAIN_SHARING } from '../contract/plain-asks';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract';
import { describeTokenCacheContract } from '../contract/token-cache.contract';
import { createRedisStore, StoreBundle, waitForRedis } from '../store-bundle';
import { parseRedisUrl, RedisConnection } from './redis-connection';
import { RedisKeyspace } from './redis-keyspace';

/**
 * The store on the deployments beside one plain node (redis-stores.spec.ts): a 3-primary Redis
 * Cluster (every contract suite), one TLS node with an ACL user, and a Sentinel-managed primary.
 */

const uniquePrefix = () => `test:${randomUUID()}:`;
const bundles: StoreBundle[] = [];

async function openStore(redis: TestRedis, keyPrefix = uniquePrefix()): Promise<StoreBundle> {
  const bundle = createRedisStore(redis.connection(), { keyPrefix });
  bundles.push(bundle);
  if (!(await waitForRedis(bundle, 10_000))) throw new Error(`the ${redis.kind} Redis did not become ready`);
  return bundle;
}

afterAll(async () => {
  await Promise.all(bundles.map((bundle) => bundle.close()));
});

describe('Redis Cluster (3 primaries on loopback)', () => {
  let cluster: TestRedis;
  beforeAll(async () => {
    cluster = await startTestRedis('cluster');
  }, 30_000);
  afterAll(async () => {
    await Promise.all(bundles.splice(0).map((bundle) => bundle.close()));
    await cluster?.stop();
  });

  describeRateLimiterContract('redis cluster', async () => (await openStore(cluster)).rateLimiter);
  describeTokenCacheContract('redis cluster', async () => (await openStore(cluster)).tokenCache);
  describeIdempotencyStoreContract('redis cluster', async () => (await openStore(cluster)).idempotency);
  describeOperationStoreContract('redis cluster', async () => (await openStore(cluster)).operations);

  it('spreads the groups over the primaries, each group in one slot', async () => {
    const store = await openStore(cluster);
    const redis = store.redis as Cluster;
    expect(redis).toBeInstanceOf(Cluster);
    const keyspace = new RedisKeyspace(store.keyPrefix);
    const slots = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const account = `account-${i}`;
      await store.rateLimiter.tryAcquire(account, { limit: 5, windowMs: 1000 }, plainAsk(), PLAIN_SHARING);
      await store.rateLimiter.pause(account, 1000);
      const { grants, pause } = keyspace.rateLimit(account);
      const [grantsSlot, pauseSlot] = await Promise.all(
        [grants, pause].map(async (key) => Number(await redis.call('CLUSTER', 'KEYSLOT', key))),
      );
      expect(pauseSlot).toBe(grantsSlot);
      slots.add(grantsSlot);
    }
    // Thirty accounts land on every primary, not all on one.
    const owners = new Set<string>();
    for (const node of redis.nodes('master')) {
      const keys = await node.keys(`${store.keyPrefix}*`);
      if (keys.length > 0) owners.add(`${node.options.host}:${node.options.port}`);
    }
    expect(owners.size).toBe(3);
    expect(slots.size).toBeGreaterThan(3);
  });

  it('answers ping only with every primary up', async () => {
    const store = await openStore(cluster);
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('Redis over TLS with an ACL user (throwaway CA)', () => {
  let tls: TestRedis & { caFile: string };
  beforeAll(async () => {
    tls = await startTlsRedis();
  }, 30_000);
  afterAll(async () => {
    await Promise.all(bundles.splice(0).map((bundle) => bundle.close()));
    await tls?.stop();
  });

  it('works through rediss:// as the URL user, checking the certificate against REDIS_CA_FILE', async () => {
    const store = await openStore(tls);
    await store.ping();
    expect(
      await store.rateLimiter.tryAcquire('tls', { limit: 1, windowMs: 1000 }, plainAsk(), PLAIN_SHARING),
    ).toEqual({
      granted: true,
    });
    expect(await store.redis!.call('ACL', 'WHOAMI')).toBe(TLS_REDIS_USER.username);
  });

  it('refuses a server its CA did not sign: without REDIS_CA_FILE nothing connects', async () => {
    const store = createRedisStore(new RedisConnection(parseRedisUrl(tls.url)), {
      keyPrefix: uniquePrefix(),
    });
    const errors: Error[] = [];
    const onError = (error: Error) => errors.push(error);
    store.redis!.on('error', onError);
    try {
      expect(await waitForRedis(store, 1500)).toBe(false);
      await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
      expect(errors.map((e) => e.message).join('\n')).toMatch(/self[- ]signed|unable to verify|certificate/i);
    } finally {
      await store.close();
    }
  });

  it('refuses a wrong password', async () => {
    const url = new URL(tls.url);
    url.password = 'wrong';
    const spec = { ...parseRedisUrl(url.toString()), tls: { caFile: tls.caFile } };
    const store = createRedisStore(new RedisConnection(spec), { keyPrefix: uniquePrefix() });
    store.redis!.on('error', () => undefined);
    try {
      expect(await waitForRedis(store, 1500)).toBe(false);
      await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
    } finally {
      await store.close();
    }
  });
});

describe('Redis behind Sentinel', () => {
  let sentinel: TestRedis;
  beforeAll(async () => {
    sentinel = await startSentinelRedis();
  }, 30_000);
  afterAll(async () => {
    await Promise.all(bundles.splice(0).map((bundle) => bundle.close()));
    await sentinel?.stop();
  });

  it('finds the primary through the sentinel and writes there', async () => {
    const prefix = uniquePrefix();
    const store = await openStore(sentinel, prefix);
    await store.ping();
    const claim = await store.idempotency.claim('sentinel-key', 'fp', 5000);
    expect(claim.outcome).toBe('claimed');
    // The key is on the primary the sentinel named.
    const primary = { ...sentinel, connection: () => RedisConnection.fromUrl(sentinel.url) };
    const direct = await openStore(primary, prefix);
    expect((await direct.idempotency.claim('sentinel-key', 'fp', 5000)).outcome).toBe('in_progress');
  });
});
