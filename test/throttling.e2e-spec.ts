import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisStore, RedisKeyspace } from '@app/store';
import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { expectProblem } from './support/harness';
import { KEYS } from './support/keys';
import { startTestRedis, TestRedis } from './support/redis';
import { BOTH_STORES, connected } from './support/stores';

describe.each(BOTH_STORES)('inbound throttling per client with the %s store', (_name, createStore) => {
  let redis: TestRedis;
  let gateway: TestGateway;
  beforeAll(async () => {
    redis = await startTestRedis();
    const vendors = { isalesUrl: 'https://127.0.0.1:9', ozonetelUrl: 'http://127.0.0.1:9' };
    gateway = await startTestGateway(
      testConfig(vendors, { settings: { inboundRateLimit: { limit: 3, windowMs: 3000 } } }),
      await createStore(redis),
    );
  });
  afterAll(async () => {
    await gateway.close();
    await redis.stop();
  });

  it('advertises the policy, counts down, then answers 429 rate_limited with Retry-After', async () => {
    const admin = gateway.as(KEYS.admin);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await admin.get('/v1/accounts'));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0].headers['ratelimit-policy']).toBe('"per-client";q=3;w=3');
    expect(answers.slice(0, 3).map((a) => /r=(\d+)/.exec(a.headers.ratelimit)?.[1])).toEqual(['2', '1', '0']);
    expectProblem(answers[3], 429, 'rate_limited');
    const retryAfter = Number(answers[3].headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(answers[3].headers.ratelimit).toMatch(/^"per-client";r=0;t=\d+$/);
  });

  it('keeps each client to its own budget, and never throttles health or unauthenticated calls', async () => {
    expect((await gateway.as(KEYS.operator).get('/v1/accounts')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await gateway.as(null).get('/health/live')).status).toBe(200);
    expectProblem(await gateway.as('nobody').get('/v1/accounts'), 401, 'unauthenticated');
  });
});

describe('inbound throttling across replicas on one Redis', () => {
  let redis: TestRedis;
  let gateways: TestGateway[];
  const keyPrefix = `test:${randomUUID()}:`;
  beforeAll(async () => {
    redis = await startTestRedis();
    const vendors = { isalesUrl: 'https://127.0.0.1:9', ozonetelUrl: 'http://127.0.0.1:9' };
    const config = testConfig(vendors, { settings: { inboundRateLimit: { limit: 3, windowMs: 5000 } } });
    // Two processes' worth: each gateway has its own Redis client, as replicas do.
    gateways = [];
    for (let i = 0; i < 2; i++) {
      gateways.push(
        await startTestGateway(config, await connected(createRedisStore(redis.url, { keyPrefix }))),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await redis.stop();
  });

  it('counts a client once over both, in the Redis storage, not per process', async () => {
    const [a, b] = gateways.map((gateway) => gateway.as(KEYS.admin));
    const answers = [await a.get('/v1/accounts'), await b.get('/v1/accounts'), await a.get('/v1/accounts')];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => /r=(\d+)/.exec(answer.headers.ratelimit)?.[1])).toEqual(['2', '1', '0']);
    expectProblem(await b.get('/v1/accounts'), 429, 'rate_limited');
    expectProblem(await a.get('/v1/accounts'), 429, 'rate_limited');

    const keys = new RedisKeyspace(keyPrefix).inbound('per-client:client:admin');
    const inspector = new Redis(redis.url);
    try {
      expect(Number(await inspector.get(keys.hits))).toBe(5);
      expect(await inspector.pttl(keys.blocked)).toBeGreaterThan(0);
    } finally {
      await inspector.quit();
    }
  });
});
