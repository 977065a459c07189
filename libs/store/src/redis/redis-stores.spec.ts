import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '@app/core';
import { startTestRedis, startThrowawayRedis, TestRedis } from '../../../../test/support/redis';
import { describeIdempotencyStoreContract } from '../contract/idempotency-store.contract';
import { describeOperationStoreContract } from '../contract/operation-store.contract';
import { plainAsk, PLAIN_SHARING } from '../contract/plain-asks';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract';
import { describeTokenCacheContract } from '../contract/token-cache.contract';
import { IssuedToken } from '@app/core';
import { createRedisStore, StoreBundle, waitForRedis } from '../store-bundle';
import { RedisKeyspace } from './redis-keyspace';
import { runScript } from './redis-script';
import { RFC3339_LUA } from './scripts/rfc3339.lua';
import { RedisTokenCache } from './redis-token-cache';

/** Every suite writes under its own prefix, so runs can share one Redis (REDIS_URL) without meeting. */
const uniquePrefix = () => `test:${randomUUID()}:`;

const bundles: StoreBundle[] = [];

async function openStore(url: string, keyPrefix = uniquePrefix()): Promise<StoreBundle> {
  const bundle = createRedisStore(url, { keyPrefix });
  bundles.push(bundle);
  if (!(await waitForRedis(bundle, 5000))) throw new Error(`Redis at ${url} did not become ready`);
  return bundle;
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
}, 20_000);
afterAll(async () => {
  await Promise.all(bundles.map((bundle) => bundle.close()));
  await redis?.stop();
});

describeRateLimiterContract('redis', async () => (await openStore(redis.url)).rateLimiter);
describeTokenCacheContract('redis', async () => (await openStore(redis.url)).tokenCache);
describeIdempotencyStoreContract('redis', async () => (await openStore(redis.url)).idempotency);
describeOperationStoreContract('redis', async () => (await openStore(redis.url)).operations);

describe('Redis store: key layout', () => {
  it('keeps each group under its hash tag, below the prefix', async () => {
    const prefix = uniquePrefix();
    const store = await openStore(redis.url, prefix);
    await store.rateLimiter.tryAcquire(
      'in-ozonetel',
      { limit: 5, windowMs: 1000 },
      plainAsk(),
      PLAIN_SHARING,
    );
    await store.rateLimiter.pause('in-ozonetel', 1000);
    await store.tokenCache.refresh('ozonetel:in-ozonetel', undefined, async () => issue('t'), {
      maxGenerationsPerHour: 10,
    });
    await store.idempotency.claim('billing-service:in-ozonetel:key-1', 'fp', 1000);

    const keys = await store.redis!.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(
      [
        `${prefix}{idem:billing-service:in-ozonetel:key-1}`,
        `${prefix}{rl:in-ozonetel}:grants`,
        `${prefix}{rl:in-ozonetel}:pause`,
        `${prefix}{rl:in-ozonetel}:seen`,
        `${prefix}{tok:ozonetel:in-ozonetel}:generations`,
        `${prefix}{tok:ozonetel:in-ozonetel}:token`,
      ].sort(),
    );
    // Nothing is kept forever: every key expires on its own.
    for (const key of keys) expect(await store.redis!.pttl(key)).toBeGreaterThan(0);
  });

  it('keeps an operation under its own hash tag, every key expiring with it', async () => {
    const prefix = uniquePrefix();
    const store = await openStore(redis.url, prefix);
    const id = 'op-1';
    await store.operations.create(
      { id, clientId: 'client', accountId: 'in-ozonetel', campaignId: 'c', selection: {}, chunkSize: 2 },
      ['111', '222', '333'],
      60_000,
    );
    const op = `${prefix}{op:op-1}`;
    const quotaKeys = [`${prefix}{acct:in-ozonetel}:queued`, `${prefix}{client:client}:active`];
    const hold = { chunkIndex: 0, holder: 'h', leaseMs: 5000 };
    await store.operations.holdChunk(id, hold);
    await store.operations.claimSend(id, 0, hold);
    await store.operations.recordOutcome(id, { index: 0, phoneNumber: '111', outcome: 'not_found' });
    // A number sent once and recorded without an error keeps one bit and one byte, nothing more.
    expect((await store.redis!.keys(`${prefix}*`)).sort()).toEqual(
      [op, `${op}:numbers`, `${op}:kinds`, `${op}:attempted`, `${op}:hold:0`, ...quotaKeys].sort(),
    );
    await store.operations.claimSend(id, 1, hold);
    await store.operations.claimSend(id, 1, hold);
    const error = { code: 'provider_error', detail: 'no' };
    await store.operations.recordOutcome(id, { index: 1, phoneNumber: '222', outcome: 'failed', error });

    const keys = await store.redis!.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(
      [
        op,
        `${op}:numbers`,
        `${op}:kinds`,
        `${op}:details`,
        `${op}:attempted`,
        `${op}:retries`,
        `${op}:hold:0`,
        ...quotaKeys,
      ].sort(),
    );
    expect(await store.redis!.get(`${op}:kinds`)).toBe('nF\0');
    expect(await store.redis!.hgetall(`${op}:details`)).toEqual({ 1: JSON.stringify({ error }) });
    expect(await store.redis!.hgetall(`${op}:retries`)).toEqual({ 1: '1' });
    // One absolute expiry for the whole operation, the keys written later included.
    const expiresAt = Number(await store.redis!.hget(op, 'expiresAt'));
    // The hold lasts its lease only, renewed while the chunk runs.
    for (const key of keys.filter((k) => k.startsWith(op) && !k.includes(':hold:'))) {
      expect(await store.redis!.pexpiretime(key)).toBe(expiresAt);
    }
    expect(await store.redis!.pttl(`${op}:hold:0`)).toBeLessThanOrEqual(5000);
    for (const key of quotaKeys) expect(await store.redis!.pttl(key)).toBeGreaterThan(59_000);
  });

  it('gives every key of one group the same hash tag, whatever the id holds', () => {
    const hashTag = (key: string) => {
      const open = key.indexOf('{');
      return key.slice(open + 1, key.indexOf('}', open + 1));
    };
    const keyspace = new RedisKeyspace('odd{prefix:');
    for (const id of ['plain', 'with}brace', 'with{brace}', '']) {
      const rl = keyspace.rateLimit(id);
      expect(hashTag(rl.grants)).toBe(hashTag(rl.pause));
      const tok = keyspace.token(id);
      expect(new Set([tok.token, tok.lock, tok.generations].map(hashTag)).size).toBe(1);
      const op = keyspace.operation(id);
      const opKeys = [op.record, op.numbers, op.kinds, op.details, op.attempted, op.retries];
      expect(new Set([...opKeys, op.staging('x')].map(hashTag)).size).toBe(1);
    }
  });
});

describe('Redis operation store', () => {
  let store: StoreBundle;
  beforeAll(async () => {
    store = await openStore(redis.url);
  });

  it('writes times in Lua exactly as JavaScript does', async () => {
    const script = {
      name: 'cgTestRfc3339',
      numberOfKeys: 0,
      lua: `${RFC3339_LUA}return rfc3339(tonumber(ARGV[1]))`,
    };
    const times = [
      0,
      1,
      999,
      Date.parse('2000-02-29T23:59:59.999Z'),
      Date.parse('2024-12-31T23:59:59.999Z'),
      Date.parse('2100-03-01T00:00:00.000Z'),
      Date.parse('2026-11-23T17:04:20.429Z'),
      Date.parse('9999-12-31T23:59:59.999Z'),
      Date.now(),
    ];
    for (let i = 0; i < 200; i++) times.push(Math.floor(Math.random() * 253_402_300_799_999));
    for (const ms of times) {
      expect(await runScript(store.redis!, script, [], [ms])).toBe(new Date(ms).toISOString());
    }
  });

  it('records one outcome of many sent by two replicas at once', async () => {
    const prefix = uniquePrefix();
    const replicas = await Promise.all([openStore(redis.url, prefix), openStore(redis.url, prefix)]);
    const id = randomUUID();
    await replicas[0].operations.create(
      { id, clientId: 'client', accountId: 'a', campaignId: 'c', selection: {}, chunkSize: 2 },
      ['111', '222'],
      60_000,
    );
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        replicas[i % 2].operations.recordOutcome(id, { index: i % 2, phoneNumber: 'n', outcome: 'deleted' }),
      ),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(2);
    expect(await replicas[1].operations.get(id)).toMatchObject({
      status: 'completed',
      progress: { total: 2, processed: 2, deleted: 2 },
    });
    expect(await replicas[0].operations.queueOf('a')).toEqual({ total: 0, operations: [] });
  });

  it('shows nothing of a create whose numbers did not all arrive', async () => {
    const prefix = uniquePrefix();
    const bundle = await openStore(redis.url, prefix);
    // A pipeline whose first RPUSH fails, as when the connection drops in the middle of a create.
    const brokenPipeline = {
      rpush: () => undefined,
      pexpire: () => undefined,
      exec: async () => [[new Error('connection lost'), null]],
    };
    const failing = jest.spyOn(bundle.redis!, 'pipeline').mockReturnValueOnce(brokenPipeline as never);
    const operation = {
      id: 'half',
      clientId: 'client',
      accountId: 'a',
      campaignId: 'c',
      selection: {},
      chunkSize: 2,
    };
    await expect(bundle.operations.create(operation, ['1', '2', '3'], 60_000)).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    failing.mockRestore();
    expect(await bundle.operations.get('half')).toBeUndefined();
    expect(await bundle.redis!.keys(`${prefix}*`)).toEqual([]);
  });

  it('keeps a finished operation in about 12 bytes a number, most of it the numbers', async () => {
    const total = 20_000;
    const id = randomUUID();
    const numbers = Array.from({ length: total }, (_, i) => String(2_000_000_000_000 + i));
    await store.operations.create(
      { id, clientId: 'client', accountId: 'a', campaignId: 'c', selection: {}, chunkSize: 100 },
      numbers,
      60_000,
    );
    let next = 0;
    const hold = { chunkIndex: 0, holder: 'h', leaseMs: 30_000 };
    await store.operations.holdChunk(id, hold);
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (let index = next++; index < total; index = next++) {
          await store.operations.claimSend(id, index, hold);
          await store.operations.recordOutcome(id, {
            index,
            phoneNumber: numbers[index],
            outcome: 'deleted',
          });
        }
      }),
    );
    expect((await store.operations.get(id))?.status).toBe('completed');
    const keys = new RedisKeyspace(store.keyPrefix).operation(id);
    const usage: Record<string, number> = {};
    for (const [part, key] of Object.entries({
      record: keys.record,
      numbers: keys.numbers,
      kinds: keys.kinds,
      attempted: keys.attempted,
    })) {
      usage[part] = Number(await store.redis!.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    }
    const bytes = Object.values(usage).reduce((a, b) => a + b, 0);
    const perNumber = (n: number) => (n / total).toFixed(2);
    console.log(
      `A finished operation of 20,000 numbers keeps ${bytes} bytes (${perNumber(bytes)} a number): ` +
        Object.entries(usage)
          .map(([part, n]) => `${part} ${perNumber(n)}`)
          .join(', '),
    );
    expect(await store.redis!.exists(keys.details, keys.retries)).toBe(0);
    expect(usage.kinds).toBeLessThan(1.5 * total);
    expect(usage.attempted).toBeLessThan(0.25 * total);
    expect(bytes).toBeLessThan(16 * total);
  }, 30_000);

  it('writes nothing to an operation stored in an older key layout', async () => {
    const prefix = uniquePrefix();
    const bundle = await openStore(redis.url, prefix);
    const id = 'older';
    await bundle.operations.create(
      { id, clientId: 'client', accountId: 'a', campaignId: 'c', selection: {}, chunkSize: 2 },
      ['111', '222'],
      60_000,
    );
    const keys = new RedisKeyspace(prefix).operation(id);
    // An older gateway's record: the same fields, but no layout (its outcomes lived in other keys).
    await bundle.redis!.hdel(keys.record, 'layout');
    const before = await bundle.operations.get(id);
    const hold = { chunkIndex: 0, holder: 'h', leaseMs: 5000 };
    await bundle.operations.holdChunk(id, hold);
    await expect(bundle.operations.claimSend(id, 0, hold)).rejects.toThrow(/key layout none, not 2/);
    await expect(
      bundle.operations.recordOutcome(id, { index: 0, phoneNumber: '111', outcome: 'deleted' }),
    ).rejects.toThrow(/key layout none, not 2/);
    expect(await bundle.operations.get(id)).toEqual(before);
    expect(await bundle.redis!.exists(keys.kinds, keys.details, keys.attempted, keys.retries)).toBe(0);
  });

  it('keeps 200,000 numbers in a few MB', async () => {
    const id = randomUUID();
    const numbers = Array.from({ length: 200_000 }, (_, i) => `+9198${String(i).padStart(8, '0')}`);
    await store.operations.create(
      { id, clientId: 'client', accountId: 'a', campaignId: 'c', selection: {}, chunkSize: 500 },
      numbers,
      60_000,
    );
    const listKey = new RedisKeyspace(store.keyPrefix).operation(id).numbers;
    const bytes = Number(await store.redis!.call('MEMORY', 'USAGE', listKey, 'SAMPLES', '0'));
    console.log(`200,000 numbers take ${(bytes / 1024 / 1024).toFixed(1)} MiB in Redis (MEMORY USAGE)`);
    expect(bytes).toBeLessThan(20 * 1024 * 1024);
  });
});

describe('Redis store: several replicas on one Redis', () => {
  let replicas: StoreBundle[];
  beforeAll(async () => {
    const prefix = uniquePrefix();
    replicas = await Promise.all([openStore(redis.url, prefix), openStore(redis.url, prefix)]);
  });

  it('never grants more than the limit to all replicas together', async () => {
    const limit = { limit: 7, windowMs: 5000 };
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        replicas[i % 2].rateLimiter.tryAcquire('shared', limit, plainAsk(), PLAIN_SHARING),
      ),
    );
    expect(results.filter((r) => r.granted)).toHaveLength(7);
  });

  it('decides on the Redis clock, not the callers', async () => {
    const limit = { limit: 1, windowMs: 2000 };
    expect(await replicas[0].rateLimiter.tryAcquire('clock', limit, plainAsk(), PLAIN_SHARING)).toEqual({
      granted: true,
    });
    // A replica whose clock is an hour ahead would see the grant as long gone if it used its own.
    const skewed = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 3_600_000);
    try {
      const refused = await replicas[1].rateLimiter.tryAcquire('clock', limit, plainAsk(), PLAIN_SHARING);
      expect(refused.granted).toBe(false);
      if (!refused.granted) expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);
    } finally {
      skewed.mockRestore();
    }
  });

  it('generates one token for all replicas that found it stale at once', async () => {
    let generated = 0;
    const generate = async () => {
      generated += 1;
      await sleep(100);
      return issue(`token-${generated}`);
    };
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        replicas[i % 2].tokenCache.refresh('shared', undefined, generate, { maxGenerationsPerHour: 10 }),
      ),
    );
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(generated).toBe(1);
  });

  it('lets one replica of many claim an idempotency key', async () => {
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => replicas[i % 2].idempotency.claim('shared', 'fp', 5000)),
    );
    expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
  });
});

describe('Redis token cache: the generation lock', () => {
  let store: StoreBundle;
  let keyspace: RedisKeyspace;
  let cache: RedisTokenCache;
  beforeAll(async () => {
    const prefix = uniquePrefix();
    store = await openStore(redis.url, prefix);
    keyspace = new RedisKeyspace(prefix);
    cache = new RedisTokenCache(store.redis!, keyspace, { lockTtlMs: 500, pollMs: 20 });
  });

  it('waits out the lock of a holder that died, then generates', async () => {
    await store.redis!.set(keyspace.token('orphaned').lock, 'a-dead-process', 'PX', 300);
    const started = Date.now();
    const token = await cache.refresh('orphaned', undefined, async () => issue('after-wait'), {
      maxGenerationsPerHour: 10,
    });
    expect(token).toBe('after-wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('releases the lock when generation fails, and counts the attempt toward the cap', async () => {
    const failing = async (): Promise<IssuedToken> => {
      throw new GatewayError('provider_unavailable', 'vendor down');
    };
    const cap = { maxGenerationsPerHour: 1 };
    await expect(cache.refresh('failing', undefined, failing, cap)).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
    expect(await store.redis!.exists(keyspace.token('failing').lock)).toBe(0);
    expect(await cache.get('failing')).toBeUndefined();
    // The vendor may have counted the failed attempt, so the cache does too.
    await expect(cache.refresh('failing', undefined, async () => issue('x'), cap)).rejects.toMatchObject({
      code: 'provider_rate_limited',
      notProcessed: true,
    });
  });

  it('does not store a token whose holder lost the lock meanwhile', async () => {
    const slow = async () => {
      await sleep(700);
      return issue('too-late');
    };
    // The slow holder's lock runs out; a second caller takes the lock and stores its own token.
    const first = cache.refresh('slow', undefined, slow, { maxGenerationsPerHour: 10 });
    await sleep(550);
    const second = await cache.refresh('slow', undefined, async () => issue('in-time'), {
      maxGenerationsPerHour: 10,
    });
    expect(second).toBe('in-time');
    await expect(first).resolves.toBe('too-late');
    expect(await cache.get('slow')).toBe('in-time');
  });
});

describe('Redis store: unreachable from the start', () => {
  it('fails fast with store_unavailable, never with an unhandled error event', async () => {
    const dead = await startThrowawayRedis();
    await dead.stop();
    const store = createRedisStore(dead.url, { keyPrefix: uniquePrefix() });
    try {
      expect(await waitForRedis(store, 300)).toBe(false);
      await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable', transient: true });
      await expect(
        store.rateLimiter.tryAcquire('any', { limit: 1, windowMs: 1000 }, plainAsk(), PLAIN_SHARING),
      ).rejects.toMatchObject({
        code: 'store_unavailable',
      });
    } finally {
      await store.close();
    }
  }, 20_000);
});

describe('Redis store faults (a throwaway server)', () => {
  let server: TestRedis;
  let store: StoreBundle;
  beforeAll(async () => {
    server = await startThrowawayRedis();
    store = await openStore(server.url);
  }, 20_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  const operations = {
    tryAcquire: () =>
      store.rateLimiter.tryAcquire('fault', { limit: 100, windowMs: 1000 }, plainAsk(), PLAIN_SHARING),
    claim: () => store.idempotency.claim(`fault-${randomUUID()}`, 'fp', 1000),
    get: () => store.tokenCache.get('fault'),
    operation: () => store.operations.get('fault'),
  };

  async function expectQuickStoreUnavailable(operation: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    const error = await operation().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'store_unavailable', transient: true });
    expect(Date.now() - started).toBeLessThan(3000);
  }

  /** ioredis reconnects on its own; the first commands after a restart may still find it reconnecting. */
  async function eventually<T>(operation: () => Promise<T>, withinMs = 10_000): Promise<T> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      try {
        return await operation();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
  }

  it('answers store_unavailable quickly while Redis is down, and works again after a restart', async () => {
    for (const operation of Object.values(operations)) await operation();
    await server.kill!();
    for (const operation of Object.values(operations)) await expectQuickStoreUnavailable(operation);
    await expectQuickStoreUnavailable(() => store.ping());

    await server.restart!();
    // The restarted server has lost its script cache too: EVALSHA falls back to EVAL.
    await eventually(() => store.ping());
    expect(await operations.tryAcquire()).toEqual({ granted: true });
    expect((await operations.claim()).outcome).toBe('claimed');
    expect(await operations.get()).toBeUndefined();
  }, 30_000);

  it('answers store_unavailable when Redis hangs, within the command timeout', async () => {
    await server.freeze!();
    try {
      await expectQuickStoreUnavailable(operations.claim);
    } finally {
      await server.thaw!();
    }
    await eventually(() => store.ping());
    expect((await operations.claim()).outcome).toBe('claimed');
  }, 30_000);
});

function issue(token: string, ttlMs = 60_000): IssuedToken {
  return { token, expiresAt: Date.now() + ttlMs };
}
