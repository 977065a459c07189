import { randomUUID } from 'node:crypto';
import { findChunkHolder } from './support/bull';
import { testConfig } from './support/gateway';
import { GatewayProcess, startReplicas, writeConfigFile } from './support/gateway-process';
import { KEYS } from './support/keys';
import {
  allResults,
  numberRange,
  seedOzonetelNumbers,
  startBulkDelete,
  waitForOperation,
} from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { resetSandbox, startTestSandbox, TestSandbox, VendorCall, vendorCalls } from './support/sandbox';
import { expectWithinBudget } from './support/windows';

/*
 * Ozonetel bulkDelete across three gateway processes on one Redis, at the scaled budgets of
 * test/ozonetel-bulk-delete.e2e-spec.ts: both windows and the one-batch-at-a-time rule hold for the
 * account as a whole, and a replica killed while its batch is at the vendor loses nothing.
 */
const SINGLE = { limit: 10, windowMs: 2000 };
const BULK = { limit: 2, windowMs: 2000 };
const MARGIN_MS = 100;

const isBulk = (c: VendorCall) => c.path === '/ca_apis/DeleteBulkData';
const isSingle = (c: VendorCall) => c.path === '/ca_apis/deleteCampaignData';

describe('Ozonetel bulkDelete on three replicas', () => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let replicas: GatewayProcess[] = [];
  const prefix = `bulk3:${randomUUID()}:`;

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
    const configFile = writeConfigFile(
      testConfig(sandbox, {
        patch: {
          'in-ozonetel': {
            rateLimit: { ...SINGLE, marginMs: MARGIN_MS },
            bulkDelete: { rateLimit: { ...BULK, marginMs: MARGIN_MS } },
          },
        },
        settings: { syncWaitMs: 30_000, operationLockMs: 3000 },
      }),
    );
    replicas = await startReplicas(3, {
      GATEWAY_CONFIG: configFile,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
    });
    for (const replica of replicas)
      await replica.as(KEYS.admin).post('/v1/accounts/cn-isales/campaigns/1002/pause');
  }, 90_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await sandbox.close();
    await redis.stop();
  });

  async function scaleSandbox(processingMs: number) {
    await resetSandbox(sandbox);
    await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: SINGLE });
    await sandbox.ozonetel.put('/__sandbox/bulk-delete', { body: { ...BULK, processingMs } });
  }

  /** The checks both cases share: one result each, every present number gone, both windows kept. */
  async function expectAllDone(api: ReturnType<GatewayProcess['as']>, id: string, numbers: string[]) {
    const done = await waitForOperation(api, id, 90_000);
    expect(done).toMatchObject({ status: 'completed', progress: { total: numbers.length, failed: 0 } });
    const results = await allResults(api, id);
    expect(results.map((r) => r.phoneNumber)).toEqual(numbers);
    const state = (await sandbox.ozonetel.get('/__sandbox/state')).body;
    expect(state.campaigns.find((c: { name: string }) => c.name === 'Renewals_Q4').numbers).toEqual([]);
    const calls = await vendorCalls(sandbox.ozonetel);
    expectWithinBudget(calls.filter(isSingle), SINGLE);
    expectWithinBudget(calls.filter(isBulk), BULK);
    const stats = (await sandbox.ozonetel.get('/__sandbox/bulk-delete')).body.stats;
    expect(stats).toMatchObject({ refusedBusy: 0, refusedRate: 0, maxConcurrent: 1 });
    return { done, results, calls };
  }

  it('300 numbers (20 absent) in about two or three windows, one batch at a time over all replicas', async () => {
    await scaleSandbox(200);
    const numbers = numberRange(9_770_000_000, 300);
    const absent = new Set(numbers.filter((_, i) => i % 15 === 7));
    await seedOzonetelNumbers(
      sandbox,
      numbers.filter((n) => !absent.has(n)),
    );
    const api = replicas[0].as(KEYS.admin);
    const started = Date.now();
    const id = await startBulkDelete(api, 'in-ozonetel', 'Renewals_Q4', numbers);
    const { done, results, calls } = await expectAllDone(api, id, numbers);
    // Batches finish in two or three windows; one number a call would need fifteen (300 at 10 a window).
    // The bound leaves a window of slack: three gateways on a busy 2-core machine took 3.6 windows once.
    expect(Date.parse(done.updatedAt) - started).toBeLessThan(4.5 * (SINGLE.windowMs + MARGIN_MS));
    const batched = new Set(calls.filter(isBulk).flatMap((c) => c.body.phoneNumber as string[]));
    expect(batched.size).toBeGreaterThanOrEqual(200);
    for (const result of results) {
      if (batched.has(result.phoneNumber)) expect(result).toMatchObject({ outcome: 'deleted', via: 'batch' });
      else expect(result.outcome).toBe(absent.has(result.phoneNumber) ? 'not_found' : 'deleted');
    }
  });

  it('loses nothing when the replica whose batch is at the vendor is SIGKILLed', async () => {
    // A batch takes 1.5 s at the vendor, so the kill lands while it is processed.
    await scaleSandbox(1500);
    const numbers = numberRange(9_771_000_000, 300);
    await seedOzonetelNumbers(sandbox, numbers);
    const api = replicas[1].as(KEYS.admin);
    const id = await startBulkDelete(api, 'in-ozonetel', 'Renewals_Q4', numbers);
    const deadline = Date.now() + 10_000;
    while ((await sandbox.ozonetel.get('/__sandbox/bulk-delete')).body.stats.inProgress === 0) {
      if (Date.now() > deadline) throw new Error('no batch reached the vendor');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The batch is sent from the chunk's run, so the chunk's holder is the replica sending it.
    const holder = await findChunkHolder(redis.url, prefix, replicas);
    expect(holder).toBeDefined();
    await holder!.stop('SIGKILL');
    const survivor = replicas.find((replica) => replica !== holder)!.as(KEYS.admin);

    const { done, results } = await expectAllDone(survivor, id, numbers);
    // Every number was present: whichever path re-sent a number the killed batch had deleted, it counts.
    expect(done.progress.deleted).toBe(300);
    expect(results.filter((r) => r.via === 'batch').length).toBeGreaterThan(0);
    replicas = replicas.filter((replica) => replica !== holder);
  });
});
