import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { expectProblem } from './support/harness';
import { KEYS } from './support/keys';
import { startTestRedis, TestRedis } from './support/redis';
import { BOTH_STORES } from './support/stores';

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
