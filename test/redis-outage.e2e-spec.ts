import { randomUUID } from 'node:crypto';
import { createRedisStore, waitForRedis } from '@app/store';
import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { ApiAnswer } from './support/http';
import { expectProblem } from './support/harness';
import { KEYS } from './support/keys';
import { startThrowawayRedis, TestRedis } from './support/redis';
import { startTestSandbox, TestSandbox, vendorCalls } from './support/sandbox';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis stopped and restarted under traffic', () => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    sandbox = await startTestSandbox();
    const store = createRedisStore(redis.url, { keyPrefix: `outage:${randomUUID()}:` });
    expect(await waitForRedis(store, 5000)).toBe(true);
    gateway = await startTestGateway(testConfig(sandbox), store);
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
    await redis.stop();
  });

  it('answers 503 store_unavailable and calls no vendor while Redis is down, and serves fully after', async () => {
    const admin = gateway.as(KEYS.admin);
    const answers: { phase: string; answer: ApiAnswer }[] = [];
    let phase = 'up';
    let running = true;
    let sent = 0;
    // Steady traffic on both vendors, with and without Idempotency-Key, all through the outage.
    const traffic = (async () => {
      while (running) {
        const n = sent++;
        const request =
          n % 2 === 0
            ? admin.post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
                body: { phoneNumbers: [String(9_800_000_000 + n)] },
                headers: n % 4 === 0 ? { 'idempotency-key': randomUUID() } : {},
              })
            : admin.post(`/v1/accounts/cn-isales/campaigns/1002/${n % 3 === 0 ? 'pause' : 'resume'}`);
        const at = phase;
        answers.push({ phase: at, answer: await request });
        await sleep(20);
      }
    })();

    await sleep(500);
    phase = 'down';
    await redis.kill!();
    await sleep(300); // requests in flight when Redis died settle
    phase = 'down-settled';
    const callsAtOutage =
      (await vendorCalls(sandbox.ozonetel)).length + (await vendorCalls(sandbox.isales)).length;
    const ready = await gateway.as(null).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.store.status).toBe('down');
    const readsStillWork = await admin.get('/v1/accounts');
    expect(readsStillWork.status).toBe(200);
    await sleep(1500);
    const callsBeforeRestart =
      (await vendorCalls(sandbox.ozonetel)).length + (await vendorCalls(sandbox.isales)).length;

    phase = 'restarting';
    await redis.restart!();
    for (let i = 0; i < 50 && (await gateway.as(null).get('/health/ready')).status !== 200; i++)
      await sleep(100);
    phase = 'restarted';
    await sleep(1000);
    running = false;
    await traffic;

    const during = answers.filter((a) => a.phase === 'down-settled');
    expect(during.length).toBeGreaterThan(10);
    for (const { answer } of during) expectProblem(answer, 503, 'store_unavailable');
    // Between the kill settling and the restart, not one call reached a vendor.
    expect(callsBeforeRestart).toBe(callsAtOutage);
    const after = answers.filter((a) => a.phase === 'restarted');
    expect(after.length).toBeGreaterThan(5);
    for (const { answer } of after) expect([200, 409]).toContain(answer.status);
    expect(after.some(({ answer }) => answer.status === 200)).toBe(true);
    // No answer anywhere was an unexpected failure.
    expect(answers.filter(({ answer }) => answer.status === 500)).toEqual([]);
  });
});
