import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisStore, waitForRedis } from '@app/store';
import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { ApiClient } from './support/http';
import { KEYS } from './support/keys';
import { allResults, numberRange, seedOzonetelNumbers, waitForOperation } from './support/operations';
import { startThrowawayRedis, TestRedis } from './support/redis';
import { ozonetelDeleteCalls, startTestSandbox, TestSandbox } from './support/sandbox';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ozonetel's budget scaled down so that 300 numbers take about ten seconds (80 % of it is bulk's). */
const BUDGET = { limit: 40, windowMs: 1000 };
const IN_FLIGHT = 4;

const SETTINGS = {
  syncWaitMs: 10_000,
  operationChunkSize: 25,
  operationLockMs: 3000,
  operationNumbersInFlight: IN_FLIGHT,
};

async function bulkDelete(api: ApiClient, numbers: string[]): Promise<string> {
  const answer = await api.post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
    body: { phoneNumbers: numbers },
  });
  if (answer.status !== 202) throw new Error(`expected 202, got ${answer.status}: ${answer.text}`);
  return answer.body.id as string;
}

/** Polls the operation until `processed` reaches `atLeast`. */
async function waitForProgress(api: ApiClient, id: string, atLeast: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const answer = await api.get(`/v1/operations/${id}`);
    if (answer.status === 200 && answer.body.progress.processed >= atLeast) return;
    await sleep(50);
  }
  throw new Error(`operation ${id} did not reach ${atLeast} processed numbers`);
}

/** Waits for readiness again (the store's connections are back), for up to `timeoutMs`. */
async function waitForReady(gateway: TestGateway, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await gateway.as(null).get('/health/ready')).status !== 200) {
    if (Date.now() > deadline) throw new Error('the gateway did not become ready again');
    await sleep(50);
  }
}

async function redisAnswers(redis: TestRedis): Promise<boolean> {
  const client = new Redis(redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** How many times each number was sent to Ozonetel. */
async function sendsPerNumber(sandbox: TestSandbox): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  for (const call of await ozonetelDeleteCalls(sandbox))
    sent.set(call.body.phoneNumber, (sent.get(call.body.phoneNumber) ?? 0) + 1);
  return sent;
}

describe('a bulk operation through a Redis crash, with the append-only file', () => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    redis = await startThrowawayRedis({ appendOnly: true });
    sandbox = await startTestSandbox();
    await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
    const store = createRedisStore(redis.url, { keyPrefix: `aof:${randomUUID()}:` });
    expect(await waitForRedis(store, 5000)).toBe(true);
    gateway = await startTestGateway(
      testConfig(sandbox, { patch: { 'in-ozonetel': { rateLimit: BUDGET } }, settings: SETTINGS }),
      store,
    );
  });
  afterAll(async () => {
    // A test that failed while Redis was down leaves it down; BullMQ's close hangs then.
    if (redis && !(await redisAnswers(redis))) await redis.restart!();
    await gateway?.close();
    await sandbox?.close();
    await redis?.stop();
  });

  it('SIGKILLed mid-operation and restarted from its AOF: completes, one outcome per number, only in-flight numbers sent twice', async () => {
    const admin = gateway.as(KEYS.admin);
    const numbers = numberRange(9_700_000_000, 300);
    await seedOzonetelNumbers(sandbox, numbers);
    // Each delete takes a moment at the vendor, so that numbers are in flight when Redis dies.
    await sandbox.ozonetel.post('/__sandbox/faults', {
      body: { kind: 'slow', path: '/ca_apis/deleteCampaignData', delayMs: 150, times: 0 },
    });
    const id = await bulkDelete(admin, numbers);
    await waitForProgress(admin, id, 100);

    await redis.kill!();
    const killedAt = Date.now();
    await sleep(500); // calls already at the vendor finish
    const sentAtKill = (await ozonetelDeleteCalls(sandbox)).length;
    await sleep(1000);
    const ready = await gateway.as(null).get('/health/ready');
    expect(ready.status).toBe(503);
    const sentWhileDown = (await ozonetelDeleteCalls(sandbox)).length - sentAtKill;
    await redis.restart!();
    const restartedAt = Date.now();
    await waitForReady(gateway);

    const done = await waitForOperation(admin, id, 60_000);
    const sent = await sendsPerNumber(sandbox);
    const twice = [...sent].filter(([, count]) => count === 2).map(([n]) => n);
    const resumedAfterMs =
      (await ozonetelDeleteCalls(sandbox)).find((c) => c.at > restartedAt)!.at - restartedAt;
    console.log(
      `AOF restart: ${sentAtKill} numbers sent before the kill; outage ${restartedAt - killedAt} ms; ` +
        `first send ${resumedAfterMs} ms after the restart; completed ${Date.parse(done.updatedAt) - restartedAt} ms after it; ` +
        `${twice.length} numbers sent twice`,
    );
    expect(sentWhileDown).toBe(0); // nothing can be claimed while the store is down
    expect(done).toMatchObject({
      status: 'completed',
      progress: { total: 300, processed: 300, failed: 0, notDeletable: 0 },
    });
    // A number sent again that the vendor no longer had was deleted by the first send.
    expect(done.progress.deleted).toBe(300);
    const results = await allResults(admin, id);
    expect(results.map((r) => r.phoneNumber)).toEqual(numbers);
    expect(new Set(results.map((r) => r.outcome))).toEqual(new Set(['deleted']));

    expect(sent.size).toBe(300);
    expect([...sent.values()].filter((count) => count > 2)).toEqual([]);
    expect(twice.length).toBeLessThanOrEqual(IN_FLIGHT);
  }, 90_000);
});
