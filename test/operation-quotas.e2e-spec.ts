import type { Redis } from 'ioredis';
import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { expectProblem } from './support/harness';
import { ApiClient } from './support/http';
import { KEYS } from './support/keys';
import { numberRange, startBulkDelete } from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { ozonetelDeleteCalls, resetSandbox, startTestSandbox, TestSandbox } from './support/sandbox';
import { BOTH_STORES } from './support/stores';

/** One call per 10 s: every operation started here stays active for the whole test. */
const SLOW = { rateLimit: { limit: 1, windowMs: 10_000, marginMs: 100 } };

describe.each(BOTH_STORES)('operation quotas with the %s store', (_name, createStore) => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let gateway: TestGateway;
  /** Operations a test started, cancelled after it so the next starts from empty quotas. */
  let started: string[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
    gateway = await startTestGateway(
      testConfig(sandbox, {
        patch: { 'in-ozonetel': SLOW, 'in-ozonetel-token': SLOW },
        settings: { maxActiveOperationsPerClient: 2, maxQueuedNumbersPerAccount: 50 },
      }),
      await createStore(redis),
    );
  });
  beforeEach(async () => {
    await resetSandbox(sandbox);
    started = [];
  });
  afterEach(async () => {
    for (const id of started) await gateway.as(KEYS.admin).post(`/v1/operations/${id}/cancel`);
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
    await redis.stop();
  });

  const admin = () => gateway.as(KEYS.admin);
  const start = async (api: ApiClient, account: string, campaign: string, numbers: string[]) => {
    const id = await startBulkDelete(api, account, campaign, numbers);
    started.push(id);
    return id;
  };
  const post = (api: ApiClient, account: string, campaign: string, numbers: string[]) =>
    api.post(`/v1/accounts/${account}/campaigns/${campaign}/contacts/delete`, {
      body: { phoneNumbers: numbers },
    });
  /** The ids of the operations the store counts as active on the account. */
  const activeOn = async (account: string) =>
    (await gateway.store.operations.queueOf(account)).operations.map((o) => o.id).sort();
  /**
   * How many operations the store holds at all, active or not: Redis operation records
   * (`<prefix>{op:<id>}`, one per operation), or the memory store's entries.
   */
  const storedOperations = async (): Promise<number> => {
    const { redis: client, keyPrefix, operations } = gateway.store;
    if (!client) return (operations as unknown as { entries: Map<string, unknown> }).entries.size;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await (client as Redis).scan(
        cursor,
        'MATCH',
        `${keyPrefix}{op:*}`,
        'COUNT',
        1000,
      );
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return keys.filter((key) => key.endsWith('}')).length;
  };
  const sentAmong = async (numbers: string[]) =>
    (await ozonetelDeleteCalls(sandbox)).filter((c) => numbers.includes(c.body.phoneNumber));

  it('refuses a client its third active operation with 429 operation_quota_exceeded, storing and sending nothing', async () => {
    const first = await start(admin(), 'in-ozonetel', 'Renewals_Q4', numberRange(9_730_000_000, 2));
    const second = await start(admin(), 'in-ozonetel', 'Renewals_Q4', numberRange(9_730_001_000, 2));

    const refusedNumbers = numberRange(9_730_002_000, 2);
    const refused = await post(admin(), 'in-ozonetel', 'Renewals_Q4', refusedNumbers);
    expectProblem(refused, 429, 'operation_quota_exceeded');
    expect(refused.body.detail).toContain('settings.maxActiveOperationsPerClient = 2');
    expect(refused.body.detail).toContain('has 2 active operations');
    expect(refused.headers.location).toBeUndefined();
    expect(await activeOn('in-ozonetel')).toEqual([first, second].sort());
    expect(await storedOperations()).toBe(2);
    // Another account of the same client counts toward the same quota.
    expectProblem(
      await post(admin(), 'in-ozonetel-token', 'Collections', numberRange(9_730_003_000, 2)),
      429,
      'operation_quota_exceeded',
    );
    expect(await activeOn('in-ozonetel-token')).toEqual([]);
    expect(await storedOperations()).toBe(2);

    // Another client is not held back by this one's quota.
    const other = await start(gateway.as(KEYS.ozonetelOnly), 'in-ozonetel', 'Renewals_Q4', [
      '9730004000',
      '9730004001',
    ]);
    expect(await activeOn('in-ozonetel')).toEqual([first, second, other].sort());

    // Once one has ended, the client may start another.
    expect((await admin().post(`/v1/operations/${first}/cancel`)).body.status).toBe('cancelled');
    const third = await start(admin(), 'in-ozonetel', 'Renewals_Q4', numberRange(9_730_005_000, 2));
    expect(await activeOn('in-ozonetel')).toEqual([second, other, third].sort());

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sentAmong(refusedNumbers)).toEqual([]);
  });

  it("refuses a list that would pass the account's queued numbers, naming the limit, also while another waits", async () => {
    const storedBefore = await storedOperations();
    const tooMany = await post(admin(), 'in-ozonetel-token', 'Collections', numberRange(9_731_000_000, 60));
    expectProblem(tooMany, 429, 'operation_quota_exceeded');
    expect(tooMany.body.detail).toContain('settings.maxQueuedNumbersPerAccount');
    expect(tooMany.body.detail).toContain('60 more would pass the limit of 50');
    expect(await activeOn('in-ozonetel-token')).toEqual([]);
    expect(await storedOperations()).toBe(storedBefore);

    const first = await start(admin(), 'in-ozonetel-token', 'Collections', numberRange(9_731_001_000, 30));
    const secondNumbers = numberRange(9_731_002_000, 30);
    const second = await post(admin(), 'in-ozonetel-token', 'Collections', secondNumbers);
    expectProblem(second, 429, 'operation_quota_exceeded');
    expect(second.body.detail).toMatch(/has (29|30) numbers queued; 30 more would pass the limit of 50/);
    expect(await activeOn('in-ozonetel-token')).toEqual([first]);
    expect(await storedOperations()).toBe(storedBefore + 1);
    // The quota is the account's: another account still takes a list of that size.
    await start(gateway.as(KEYS.ozonetelOnly), 'in-ozonetel', 'Renewals_Q4', numberRange(9_731_003_000, 30));

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sentAmong([...numberRange(9_731_000_000, 60), ...secondNumbers])).toEqual([]);
  });
});
