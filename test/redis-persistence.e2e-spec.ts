import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createRedisStore, waitForRedis } from '@app/store';
import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { ApiClient } from './support/http';
import { KEYS } from './support/keys';
import { allResults, numberRange, seedOzonetelNumbers, waitForOperation } from './support/operations';
import { startThrowawayRedis, TestRedis } from './support/redis';
import { expectProblem } from './support/harness';
import { ozonetelDeleteCalls, resetSandbox, startTestSandbox, TestSandbox } from './support/sandbox';

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

/** Sums a Prometheus counter over its series whose labels include `labels` (e.g. 'account="x"'). */
function counter(metricsText: string, name: string, labels = ''): number {
  return metricsText
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** One slow-ish bulk delete of `count` numbers on Ozonetel, with each vendor call taking 150 ms. */
async function startSlowOperation(sandbox: TestSandbox, api: ApiClient, first: number, count = 300) {
  const numbers = numberRange(first, count);
  await seedOzonetelNumbers(sandbox, numbers);
  // Each delete takes a moment at the vendor, so that numbers are in flight when Redis dies.
  await sandbox.ozonetel.post('/__sandbox/faults', {
    body: { kind: 'slow', path: '/ca_apis/deleteCampaignData', delayMs: 150, times: 0 },
  });
  return { numbers, id: await bulkDelete(api, numbers) };
}

describe('bulk operations when Redis crashes', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  beforeEach(async () => {
    await resetSandbox(sandbox);
    await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  /** A throwaway Redis and one gateway on it, for the tests of one describe. */
  function useGateway(options: { appendOnly: boolean; budget?: typeof BUDGET }) {
    const parts: { redis?: TestRedis; gateway?: TestGateway; prefix?: string } = {};
    beforeAll(async () => {
      parts.redis = await startThrowawayRedis({ appendOnly: options.appendOnly });
      parts.prefix = `persistence:${randomUUID()}:`;
      const store = createRedisStore(parts.redis.url, { keyPrefix: parts.prefix });
      expect(await waitForRedis(store, 5000)).toBe(true);
      parts.gateway = await startTestGateway(
        testConfig(sandbox, {
          patch: { 'in-ozonetel': { rateLimit: options.budget ?? BUDGET } },
          settings: SETTINGS,
        }),
        store,
      );
    });
    afterAll(async () => {
      // A test that failed while Redis was down leaves it down; BullMQ's close hangs then.
      if (parts.redis && !(await redisAnswers(parts.redis))) await parts.redis.restart!();
      await parts.gateway?.close();
      await parts.redis?.stop();
    });
    return () => parts as Required<typeof parts>;
  }

  describe('with the append-only file (appendfsync everysec)', () => {
    const setup = useGateway({ appendOnly: true });

    it('SIGKILLed mid-operation and restarted from its AOF: completes, one outcome per number, only in-flight numbers sent twice', async () => {
      const { redis, gateway } = setup();
      const admin = gateway.as(KEYS.admin);
      const { numbers, id } = await startSlowOperation(sandbox, admin, 9_700_000_000);
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

  describe('without persistence', () => {
    const setup = useGateway({ appendOnly: false });

    it('restarted empty mid-operation: GET answers 404 (never completed), nothing more is sent, the gateway goes on', async () => {
      const { redis, gateway } = setup();
      const admin = gateway.as(KEYS.admin);
      const { id } = await startSlowOperation(sandbox, admin, 9_710_000_000);
      await waitForProgress(admin, id, 60);

      await redis.kill!();
      await sleep(1000);
      await redis.restart!();
      const restartedAt = Date.now();
      await waitForReady(gateway);

      // Longer than the chunk's lock: a chunk that could go on would have by now.
      const answers: number[] = [];
      while (Date.now() - restartedAt < 2 * SETTINGS.operationLockMs) {
        const answer = await admin.get(`/v1/operations/${id}`);
        answers.push(answer.status);
        if (answer.status !== 404) throw new Error(`expected 404, got ${answer.status}: ${answer.text}`);
        expectProblem(answer, 404, 'operation_not_found');
        await sleep(200);
      }
      expect(answers.length).toBeGreaterThan(10);
      expectProblem(await admin.get(`/v1/operations/${id}/results`), 404, 'operation_not_found');
      const sentAfter = (await ozonetelDeleteCalls(sandbox)).filter((call) => call.at > restartedAt);
      expect(sentAfter).toEqual([]);

      // The worker was not wedged by the vanished job: a new operation runs to the end.
      await sandbox.ozonetel.delete('/__sandbox/faults');
      const next = await startSlowOperation(sandbox, admin, 9_711_000_000, 30);
      await sandbox.ozonetel.delete('/__sandbox/faults');
      const done = await waitForOperation(admin, next.id, 20_000);
      expect(done).toMatchObject({
        status: 'completed',
        progress: { total: 30, processed: 30, deleted: 30 },
      });
    }, 60_000);

    it('an operation whose record is lost while its chunk job remains: the chunk ends at once, with nothing more sent', async () => {
      const { redis, gateway, prefix } = setup();
      const admin = gateway.as(KEYS.admin);
      const { id } = await startSlowOperation(sandbox, admin, 9_720_000_000);
      await waitForProgress(admin, id, 60);
      const dropped = counter(
        (await gateway.as(null).get('/metrics')).text,
        'gateway_operation_chunks_dropped_total',
      );

      // As a Cluster node without persistence would: the operation's slot loses its keys, BullMQ's does not.
      const client = new Redis(redis.url);
      try {
        const keys = await client.keys(`${prefix}{op:${id}}*`);
        expect(keys.length).toBeGreaterThan(2);
        await client.del(...keys);
      } finally {
        client.disconnect();
      }
      const lostAt = Date.now();
      await sleep(500); // calls already at the vendor finish

      expectProblem(await admin.get(`/v1/operations/${id}`), 404, 'operation_not_found');
      const sentAtLoss = (await ozonetelDeleteCalls(sandbox)).length;
      await sleep(2 * SETTINGS.operationLockMs);
      expect((await ozonetelDeleteCalls(sandbox)).length).toBe(sentAtLoss);
      expect((await ozonetelDeleteCalls(sandbox)).filter((call) => call.at > lostAt + 400)).toEqual([]);
      const metrics = (await gateway.as(null).get('/metrics')).text;
      // One chunk, ended once: no retries of it.
      expect(counter(metrics, 'gateway_operation_chunks_dropped_total') - dropped).toBe(1);
      const queue = new Queue('operations', { connection: { url: redis.url }, prefix: `${prefix}{bull}` });
      try {
        const jobs = (await queue.getJobs(['completed', 'failed', 'delayed', 'wait', 'active'])).filter(
          (job) => job.data.operationId === id,
        );
        expect(jobs.length).toBeGreaterThan(0);
        for (const job of jobs) {
          expect({ id: job.id, state: await job.getState(), failedReason: job.failedReason }).toEqual({
            id: job.id,
            state: 'completed',
            failedReason: undefined,
          });
        }
      } finally {
        await queue.close();
      }
      expectProblem(await admin.get(`/v1/operations/${id}`), 404, 'operation_not_found');
    }, 60_000);
  });

  describe('with the chunk job lost but the operation kept (Redis restored from an older snapshot)', () => {
    /** A long window, so that a chunk waiting for budget stays in BullMQ's delayed set for seconds. */
    const SLOW_BUDGET = { limit: 40, windowMs: 4000 };
    const setup = useGateway({ appendOnly: false, budget: SLOW_BUDGET });

    it('a sweep finds the active operation without a job and queues its chunk again: it completes, each number sent once', async () => {
      const { redis, gateway, prefix } = setup();
      await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: SLOW_BUDGET });
      const admin = gateway.as(KEYS.admin);
      const numbers = numberRange(9_730_000_000, 100);
      await seedOzonetelNumbers(sandbox, numbers);
      const requeuedBefore = counter(
        (await gateway.as(null).get('/metrics')).text,
        'gateway_operation_chunks_requeued_total',
      );
      const id = await bulkDelete(admin, numbers);

      // Once the first window's budget is spent, the chunk waits in the delayed set; then its job is lost.
      const queue = new Queue('operations', { connection: { url: redis.url }, prefix: `${prefix}{bull}` });
      let lostJob: string | undefined;
      try {
        for (let i = 0; i < 100 && !lostJob; i++) {
          const delayed = (await queue.getDelayed()).find((job) => job.data.operationId === id);
          if (delayed && delayed.timestamp + delayed.delay - Date.now() > 1000) {
            await delayed.remove();
            lostJob = delayed.id;
          } else await sleep(50);
        }
      } finally {
        await queue.close();
      }
      expect(lostJob).toBeDefined();
      const lostAt = Date.now();
      const stuck = await admin.get(`/v1/operations/${id}`);
      expect(stuck.body.status).toBe('running');

      const done = await waitForOperation(admin, id, 30_000);
      console.log(
        `chunk job ${lostJob} lost; operation completed ${Date.parse(done.updatedAt) - lostAt} ms later`,
      );
      expect(done).toMatchObject({
        status: 'completed',
        progress: { total: 100, processed: 100, deleted: 100, failed: 0 },
      });
      const results = await allResults(admin, id);
      expect(results.map((r) => r.phoneNumber)).toEqual(numbers);
      const sent = await sendsPerNumber(sandbox);
      expect(sent.size).toBe(100);
      expect(Math.max(...sent.values())).toBe(1);
      const metrics = (await gateway.as(null).get('/metrics')).text;
      expect(counter(metrics, 'gateway_operation_chunks_requeued_total') - requeuedBefore).toBe(1);
    }, 60_000);
  });
});
