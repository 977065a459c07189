import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { KEYS } from './support/keys';
import { numberRange, startBulkDelete } from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { resetSandbox, startTestSandbox, TestSandbox } from './support/sandbox';
import { BOTH_STORES } from './support/stores';

/** A slow account: one call per 10 s, so a bulk chunk on it waits far longer than a short moment. */
const SLOW = { limit: 1, windowMs: 10_000 };

/**
 * Two workers, four operations waiting on two slow accounts: a chunk waiting for budget must step off
 * its worker, or the workers are all taken by waits and an account with budget gets nothing done.
 */
describe.each(BOTH_STORES)('head-of-line blocking with the %s store', (_name, createStore) => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
    const slow = { rateLimit: { ...SLOW, marginMs: 100 } };
    gateway = await startTestGateway(
      testConfig(sandbox, {
        patch: { 'in-ozonetel': slow, 'in-ozonetel-token': slow },
        settings: { operationWorkers: 2 },
      }),
      await createStore(redis),
    );
    await resetSandbox(sandbox);
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
    await redis.stop();
  });

  it('runs an operation on an account with budget at once while every other operation waits on a slow account', async () => {
    const admin = gateway.as(KEYS.admin);
    const slowOperations = [
      await startBulkDelete(admin, 'in-ozonetel', 'Renewals_Q4', numberRange(9_720_000_000, 3)),
      await startBulkDelete(admin, 'in-ozonetel-token', 'Collections', numberRange(9_720_001_000, 3)),
      await startBulkDelete(admin, 'in-ozonetel', 'Renewals_Q4', numberRange(9_720_002_000, 2)),
      await startBulkDelete(admin, 'in-ozonetel-token', 'Collections', numberRange(9_720_003_000, 2)),
    ];
    // Long enough for every slow chunk to have taken a worker and found its account's budget spent.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const started = Date.now();
    const id = await startBulkDelete(admin, 'cn-isales', '1001', ['66660001', '66660002', '66660008']);
    let queuedUntil = started;
    let done: any;
    for (;;) {
      done = (await admin.get(`/v1/operations/${id}`)).body;
      if (done.status === 'queued') queuedUntil = Date.now();
      if (['completed', 'failed', 'cancelled'].includes(done.status) || Date.now() - started > 20_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const tookMs = Date.parse(done.updatedAt) - started;
    console.log(
      `head-of-line (${_name}): 3 iSales numbers in ${tookMs} ms, queued for ${queuedUntil - started} ms, ` +
        'behind 4 operations on 2 accounts at 1 call per 10 s, 2 workers',
    );

    expect(done).toMatchObject({ status: 'completed', progress: { total: 3, processed: 3, deleted: 3 } });
    expect(tookMs).toBeLessThan(5000);
    expect(queuedUntil - started).toBeLessThan(1000);
    // The slow ones are still going: they were not run to the end first.
    for (const slowId of slowOperations) {
      const slow = (await admin.get(`/v1/operations/${slowId}`)).body;
      expect({ id: slowId, status: slow.status }).toEqual({
        id: slowId,
        status: expect.stringMatching(/^(queued|running)$/),
      });
      expect(slow.progress.processed).toBeLessThan(slow.progress.total);
    }
    for (const slowId of slowOperations) await admin.post(`/v1/operations/${slowId}/cancel`);
  });
});
