import { startTestGateway, testConfig, TestGateway } from './support/gateway';
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
import { BOTH_STORES } from './support/stores';
import { expectWithinBudget } from './support/windows';

/*
 * Ozonetel bulk deletes through DeleteBulkData beside deleteCampaignData, with the budgets scaled down:
 * single 10 per 2 s, bulk 2 per 2 s (100 numbers each). 300 numbers take about 29 windows one by one;
 * with both paths, about two or three.
 */
const SINGLE = { limit: 10, windowMs: 2000 };
const BULK = { limit: 2, windowMs: 2000 };
const MARGIN_MS = 100;
const PROCESSING_MS = 200;

const bulkPatch = {
  'in-ozonetel': {
    rateLimit: { ...SINGLE, marginMs: MARGIN_MS },
    bulkDelete: { rateLimit: { ...BULK, marginMs: MARGIN_MS } },
  },
};

async function scaleSandbox(sandbox: TestSandbox): Promise<void> {
  await resetSandbox(sandbox);
  await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: SINGLE });
  await sandbox.ozonetel.put('/__sandbox/bulk-delete', { body: { ...BULK, processingMs: PROCESSING_MS } });
}

const isBulk = (c: VendorCall) => c.path === '/ca_apis/DeleteBulkData';
const isSingle = (c: VendorCall) => c.path === '/ca_apis/deleteCampaignData';

describe.each(BOTH_STORES)('Ozonetel bulkDelete with the %s store', (_name, createStore) => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
    gateway = await startTestGateway(testConfig(sandbox, { patch: bulkPatch }), await createStore(redis));
  });
  beforeEach(async () => scaleSandbox(sandbox));
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
    await redis.stop();
  });

  it('deletes 300 numbers (20 absent) in about two or three windows, within both budgets, one batch at a time', async () => {
    const numbers = numberRange(9_760_000_000, 300);
    const absent = new Set(numbers.filter((_, i) => i % 15 === 7)); // 20 spread over the list
    expect(absent.size).toBe(20);
    await seedOzonetelNumbers(
      sandbox,
      numbers.filter((n) => !absent.has(n)),
    );
    const admin = gateway.as(KEYS.admin);
    const started = Date.now();
    const id = await startBulkDelete(admin, 'in-ozonetel', 'Renewals_Q4', numbers);
    const done = await waitForOperation(admin, id, 30_000);
    const elapsed = Date.parse(done.updatedAt) - started;
    expect(done).toMatchObject({ status: 'completed', progress: { total: 300, processed: 300, failed: 0 } });
    // One by one it would take ceil(300 / 10) - 1 = 29 windows after the first burst.
    expect(elapsed).toBeLessThan(3.5 * (SINGLE.windowMs + MARGIN_MS));

    const calls = await vendorCalls(sandbox.ozonetel);
    const bulk = calls.filter(isBulk);
    const singles = calls.filter(isSingle);
    expectWithinBudget(singles, SINGLE);
    expectWithinBudget(bulk, BULK);
    expect(bulk.length).toBeGreaterThanOrEqual(2);
    for (const call of bulk) {
      expect(call.status).toBe(200);
      expect(call.body.phoneNumber.length).toBeLessThanOrEqual(100);
      expect(call.body.campaignName).toEqual(['Renewals_Q4']);
    }
    const stats = (await sandbox.ozonetel.get('/__sandbox/bulk-delete')).body.stats;
    expect(stats).toMatchObject({ refusedBusy: 0, refusedRate: 0, maxConcurrent: 1 });

    // Every present number is gone.
    const state = (await sandbox.ozonetel.get('/__sandbox/state')).body;
    expect(state.campaigns.find((c: { name: string }) => c.name === 'Renewals_Q4').numbers).toEqual([]);

    // Exactly one result per number; via batch exactly on the numbers sent in a batch.
    const results = await allResults(admin, id);
    expect(results.map((r) => r.phoneNumber).sort()).toEqual([...numbers].sort());
    const batched = new Set(bulk.flatMap((c) => c.body.phoneNumber as string[]));
    const sentAlone = new Set(singles.map((c) => c.body.phoneNumber as string));
    for (const result of results) {
      if (batched.has(result.phoneNumber)) {
        expect(result).toEqual({ phoneNumber: result.phoneNumber, outcome: 'deleted', via: 'batch' });
      } else {
        expect(sentAlone.has(result.phoneNumber)).toBe(true);
        expect(result.via).toBeUndefined();
        expect(result.outcome).toBe(absent.has(result.phoneNumber) ? 'not_found' : 'deleted');
      }
    }
    // No number went both ways.
    expect([...batched].filter((n) => sentAlone.has(n))).toEqual([]);
    expect(batched.size + sentAlone.size).toBe(300);
    // Filtering by outcome counts batch deletes as deleted.
    expect(await allResults(admin, id, '&outcome=deleted')).toHaveLength(done.progress.deleted);
  });

  it('sends an answer it does not understand back to the one-number path, losing nothing', async () => {
    const numbers = numberRange(9_761_000_000, 150);
    await seedOzonetelNumbers(sandbox, numbers);
    await sandbox.ozonetel.post('/__sandbox/faults', {
      body: { kind: 'garbageJson', path: '/ca_apis/DeleteBulkData', times: 1 },
    });
    const admin = gateway.as(KEYS.admin);
    const id = await startBulkDelete(admin, 'in-ozonetel', 'Renewals_Q4', numbers);
    const done = await waitForOperation(admin, id, 40_000);
    expect(done).toMatchObject({
      status: 'completed',
      progress: { total: 150, processed: 150, deleted: 150 },
    });
    const state = (await sandbox.ozonetel.get('/__sandbox/state')).body;
    expect(state.campaigns.find((c: { name: string }) => c.name === 'Renewals_Q4').numbers).toEqual([]);
    const calls = await vendorCalls(sandbox.ozonetel);
    expectWithinBudget(calls.filter(isSingle), SINGLE);
    expect(calls.filter(isBulk)[0].fault).toBe('garbageJson');
  });

  it('fails the operation when the campaign is not valid, as the one-number path does', async () => {
    const admin = gateway.as(KEYS.admin);
    const id = await startBulkDelete(
      admin,
      'in-ozonetel',
      'No_Such_Campaign',
      numberRange(9_762_000_000, 150),
    );
    const done = await waitForOperation(admin, id, 20_000);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'campaign_not_found' } });
  });

  it('says the account has it on, and the provider has it', async () => {
    const admin = gateway.as(KEYS.admin);
    const accounts = (await admin.get('/v1/accounts')).body.items;
    expect(accounts.find((a: { id: string }) => a.id === 'in-ozonetel').bulkDelete).toEqual({
      enabled: true,
      rateLimit: BULK,
      numbersPerCall: 100,
    });
    expect(accounts.find((a: { id: string }) => a.id === 'in-ozonetel-token').bulkDelete).toEqual({
      enabled: false,
    });
    const providers = (await admin.get('/v1/providers')).body.items;
    expect(providers.find((p: { name: string }) => p.name === 'ozonetel').bulkDelete).toEqual({
      available: true,
      enabled: true,
    });
    expect(providers.find((p: { name: string }) => p.name === 'isales').bulkDelete).toEqual({
      available: false,
      enabled: false,
    });
  });
});

describe('bulkDelete configuration', () => {
  it('is refused on an iSales account, naming the field', async () => {
    const config = testConfig(
      { isalesUrl: 'https://127.0.0.1:1', ozonetelUrl: 'http://127.0.0.1:1' },
      { patch: { 'cn-isales': { bulkDelete: {} } } },
    );
    await expect(startTestGateway(config)).rejects.toThrow(/accounts\[0\]\.bulkDelete/);
  });
});
