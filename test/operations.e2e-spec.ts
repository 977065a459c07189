import { randomUUID } from 'node:crypto';
import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { expectProblem } from './support/harness';
import { KEYS } from './support/keys';
import { allResults, numberRange, seedOzonetelNumbers, waitForOperation } from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { BOTH_STORES } from './support/stores';
import { ozonetelDeleteCalls, resetSandbox, startTestSandbox, TestSandbox } from './support/sandbox';
import { maxInAnyWindow } from './support/windows';

/** Small enough to watch an operation run, large enough to need several windows. */
const BUDGET = { limit: 20, windowMs: 1000 };

/** The same behaviour with BullMQ on Redis and with the in-process runner. */
describe.each(BOTH_STORES)('bulk deletes as operations with the %s store', (_name, createStore) => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
    const config = testConfig(sandbox, {
      patch: { 'in-ozonetel': { rateLimit: { ...BUDGET, marginMs: 100 } } },
      settings: { operationChunkSize: 10, operationLockMs: 3000, operationNumbersInFlight: 4 },
    });
    gateway = await startTestGateway(config, await createStore(redis));
  });
  beforeEach(async () => {
    await resetSandbox(sandbox);
    await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
    await redis.stop();
  });

  const admin = () => gateway.as(KEYS.admin);
  const bulkDelete = (
    numbers: string[],
    headers: Record<string, string> = {},
    account = 'in-ozonetel',
    campaign = 'Renewals_Q4',
  ) =>
    admin().post(`/v1/accounts/${account}/campaigns/${campaign}/contacts/delete`, {
      body: { phoneNumbers: numbers },
      headers,
    });
  const deleteCalls = () => ozonetelDeleteCalls(sandbox);

  it('answers 202 with Location and the operation, runs it within the budget, and reports every number once', async () => {
    const present = numberRange(9_700_000_000, 50);
    const absent = numberRange(9_700_001_000, 10);
    await seedOzonetelNumbers(sandbox, present);
    const numbers = [...present, ...absent, present[0]]; // a duplicate counts once

    const accepted = await bulkDelete(numbers);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe(`/v1/operations/${accepted.body.id}`);
    expect(accepted.body).toMatchObject({
      accountId: 'in-ozonetel',
      campaignId: 'Renewals_Q4',
      type: 'contacts.delete',
      status: expect.stringMatching(/^(queued|running)$/),
      progress: { total: 60, processed: expect.any(Number) },
    });
    expect(Date.parse(accepted.body.estimatedCompletionAt)).toBeGreaterThan(Date.now());

    const done = await waitForOperation(admin(), accepted.body.id);
    expect(done).toMatchObject({
      status: 'completed',
      progress: { total: 60, processed: 60, deleted: 50, notFound: 10, notDeletable: 0, failed: 0 },
      estimatedCompletionAt: null,
    });
    const results = await allResults(admin(), accepted.body.id);
    expect(results.map((r) => r.phoneNumber)).toEqual([...present, ...absent]);
    expect(results.filter((r) => r.outcome === 'deleted')).toHaveLength(50);

    const metrics = (await gateway.as(null).get('/metrics')).text;
    expect(metrics).toMatch(/gateway_operations_started_total\{account="in-ozonetel"\} [1-9]/);
    expect(metrics).toMatch(
      /gateway_operation_numbers_total\{account="in-ozonetel",outcome="deleted"\} [1-9]\d/,
    );
    expect(metrics).toMatch(
      /gateway_operations_ended_total\{account="in-ozonetel",status="completed"\} [1-9]/,
    );

    const calls = await deleteCalls();
    expect(calls).toHaveLength(60);
    expect(new Set(calls.map((c) => c.body.phoneNumber)).size).toBe(60);
    expect(calls.filter((c) => c.rateLimited)).toEqual([]);
    expect(
      maxInAnyWindow(
        calls.map((c) => c.at),
        BUDGET.windowMs,
      ),
    ).toBeLessThanOrEqual(BUDGET.limit);
  });

  it('pages results with a cursor and filters them by outcome', async () => {
    const present = numberRange(9_700_100_000, 12);
    await seedOzonetelNumbers(sandbox, present);
    const absent = numberRange(9_700_200_000, 8);
    const { id } = (await bulkDelete([...present, ...absent])).body;
    await waitForOperation(admin(), id);

    const first = await admin().get(`/v1/operations/${id}/results?limit=7`);
    expect(first.body.items).toHaveLength(7);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await admin().get(`/v1/operations/${id}/results?limit=7&cursor=${first.body.nextCursor}`);
    const third = await admin().get(`/v1/operations/${id}/results?limit=7&cursor=${second.body.nextCursor}`);
    expect(third.body.items).toHaveLength(6);
    expect(third.body.nextCursor).toBeNull();
    expect(
      [...first.body.items, ...second.body.items, ...third.body.items].map((r: any) => r.phoneNumber),
    ).toEqual([...present, ...absent]);

    const notFound = await allResults(admin(), id, '&outcome=not_found');
    expect(notFound.map((r) => r.phoneNumber)).toEqual(absent);
    expectProblem(await admin().get(`/v1/operations/${id}/results?cursor=%%%`), 400, 'validation_failed');
    expectProblem(await admin().get(`/v1/operations/${id}/results?limit=1001`), 400, 'validation_failed');
    expectProblem(await admin().get(`/v1/operations/${id}/results?outcome=gone`), 400, 'validation_failed');
  });

  it('holds the answer for Prefer: wait and answers 200 with the result when the operation completes in time', async () => {
    const numbers = numberRange(9_700_300_000, 5);
    await seedOzonetelNumbers(sandbox, numbers);
    const answer = await bulkDelete(numbers, { prefer: 'wait=10' });
    expect(answer.status).toBe(200);
    expect(answer.headers['preference-applied']).toBe('wait=10');
    expect(answer.body).toMatchObject({
      operationId: expect.any(String),
      requested: 5,
      deleted: 5,
      notFound: 0,
      failed: 0,
    });
    expect(answer.body.results.map((r: any) => r.outcome)).toEqual([
      'deleted',
      'deleted',
      'deleted',
      'deleted',
      'deleted',
    ]);
  });

  it('answers 202 when the wait runs out first, and always for Prefer: respond-async, even for one number', async () => {
    const numbers = numberRange(9_700_400_000, 45); // more than two windows of budget
    await seedOzonetelNumbers(sandbox, numbers);
    const slow = await bulkDelete(numbers, { prefer: 'wait=1' });
    expect(slow.status).toBe(202);
    expect(slow.headers['preference-applied']).toBe('wait=1');
    await admin().post(`/v1/operations/${slow.body.id}/cancel`);

    const single = await bulkDelete(['9812345601'], { prefer: 'respond-async' });
    expect(single.status).toBe(202);
    expect(single.headers['preference-applied']).toBe('respond-async');
    expect((await waitForOperation(admin(), single.body.id)).progress).toMatchObject({
      total: 1,
      processed: 1,
    });
  });

  it('stops sending at once on cancel; numbers not yet sent stay untouched', async () => {
    const numbers = numberRange(9_700_500_000, 100); // five windows of budget
    await seedOzonetelNumbers(sandbox, numbers);
    const { id } = (await bulkDelete(numbers)).body;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const cancelled = await admin().post(`/v1/operations/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const sentAtCancel = (await deleteCalls()).length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const sentLater = (await deleteCalls()).length;
    // Calls already at the vendor may still finish; nothing new starts.
    expect(sentLater - sentAtCancel).toBeLessThanOrEqual(4);
    const final = (await admin().get(`/v1/operations/${id}`)).body;
    expect(final.status).toBe('cancelled');
    expect(final.progress.processed).toBeLessThan(100);
    const state = (await sandbox.ozonetel.get('/__sandbox/state')).body;
    const left = state.campaigns.find((c: any) => c.name === 'Renewals_Q4').numbers.length;
    expect(left).toBe(100 - final.progress.deleted);
    expect((await admin().post(`/v1/operations/${id}/cancel`)).body.status).toBe('cancelled');
  });

  it('fails the operation for a campaign that does not exist, with the error, after one call', async () => {
    const { id } = (await bulkDelete(numberRange(9_700_600_000, 30), {}, 'in-ozonetel', 'No_Such_Campaign'))
      .body;
    const done = await waitForOperation(admin(), id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'campaign_not_found', provider: { name: 'ozonetel' } });
    // The chunk's calls in flight when the first answer came back may finish; the rest never start.
    expect((await deleteCalls()).length).toBeLessThanOrEqual(5);
  });

  it('records per-number refusals and goes on (iSales: numbers being called are not deletable)', async () => {
    const numbers = ['66660001', '66660009', '66660010', '66660002', '66669876'];
    const { id } = (await bulkDelete(numbers, {}, 'cn-isales', '1001')).body;
    const done = await waitForOperation(admin(), id);
    expect(done).toMatchObject({
      status: 'completed',
      progress: { total: 5, deleted: 2, notFound: 1, notDeletable: 2 },
    });
    const refused = await allResults(admin(), id, '&outcome=not_deletable');
    expect(refused.map((r) => r.phoneNumber)).toEqual(['66660009', '66660010']);
    expect(refused[0].error).toMatchObject({
      code: 'contact_not_deletable',
      provider: { code: '0200028' },
    });
  });

  it('rides out a vendor outage: failed calls are retried with backoff and the operation completes', async () => {
    const numbers = numberRange(9_700_700_000, 6);
    await seedOzonetelNumbers(sandbox, numbers);
    await sandbox.ozonetel.post('/__sandbox/faults', { body: { kind: 'status500', times: 3 } });
    const { id } = (await bulkDelete(numbers)).body;
    const done = await waitForOperation(admin(), id);
    expect(done).toMatchObject({ status: 'completed', progress: { deleted: 6, failed: 0 } });
    expect((await deleteCalls()).filter((c) => c.fault === 'status500')).toHaveLength(3);
  });

  it('shows an operation only to clients granted its account, and lets only those allowed to delete cancel it', async () => {
    const { id } = (await bulkDelete(numberRange(9_700_800_000, 3))).body;
    const stranger = gateway.as(KEYS.operator); // granted cn-isales only
    expectProblem(await stranger.get(`/v1/operations/${id}`), 404, 'operation_not_found');
    expectProblem(await stranger.get(`/v1/operations/${id}/results`), 404, 'operation_not_found');
    expectProblem(await stranger.post(`/v1/operations/${id}/cancel`), 404, 'operation_not_found');
    expectProblem(await admin().get(`/v1/operations/${randomUUID()}`), 404, 'operation_not_found');
    expectProblem(await admin().get('/v1/operations/not-an-id'), 404, 'operation_not_found');

    const isalesOp = (await bulkDelete(['66660003', '66660004'], {}, 'cn-isales', '1001')).body.id;
    expect((await stranger.get(`/v1/operations/${isalesOp}`)).status).toBe(200);
    expectProblem(await stranger.post(`/v1/operations/${isalesOp}/cancel`), 403, 'forbidden');
    await waitForOperation(admin(), id);
  });

  it('rejects a list with one bad number, naming its index, and queues nothing', async () => {
    const numbers = [...numberRange(9_700_900_000, 20), '12ab', '9700900021'];
    const answer = await bulkDelete(numbers);
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors[0].field).toBe('phoneNumbers[20]');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deleteCalls()).toEqual([]);
  });

  it('replays the 202 for a retried request with the same Idempotency-Key: one operation', async () => {
    const key = randomUUID();
    const numbers = numberRange(9_701_000_000, 3);
    const first = await bulkDelete(numbers, { 'idempotency-key': key });
    const again = await bulkDelete(numbers, { 'idempotency-key': key });
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.location).toBe(first.headers.location);
    await waitForOperation(admin(), first.body.id);
    expect(await deleteCalls()).toHaveLength(3);
  });

  it('serves single calls first while a bulk operation spends every other grant', async () => {
    const numbers = numberRange(9_701_100_000, 60);
    await seedOzonetelNumbers(sandbox, [...numbers, '9812345601', '9812345602']);
    const { id } = (await bulkDelete(numbers)).body;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const single = await bulkDelete(['9812345601']);
    const single2 = await bulkDelete(['9812345602']);
    expect([single.status, single2.status]).toEqual([200, 200]);
    expect(Date.now() - started).toBeLessThan(BUDGET.windowMs);
    expect((await waitForOperation(admin(), id)).status).toBe('completed');
    const calls = await deleteCalls();
    expect(
      maxInAnyWindow(
        calls.map((c) => c.at),
        BUDGET.windowMs,
      ),
    ).toBeLessThanOrEqual(BUDGET.limit);
  });

  it('lets two operations on one account take turns rather than run one after the other', async () => {
    const a = numberRange(9_701_200_000, 40);
    const b = numberRange(9_701_300_000, 40);
    await seedOzonetelNumbers(sandbox, [...a, ...b]);
    const opA = (await bulkDelete(a)).body.id;
    const opB = (await bulkDelete(b)).body.id;
    await Promise.all([waitForOperation(admin(), opA), waitForOperation(admin(), opB)]);
    const order = (await deleteCalls()).map((c) => (a.includes(c.body.phoneNumber) ? 'A' : 'B'));
    // B does not wait for A to finish: it is under way before A is halfway done.
    expect(order.slice(0, 40)).toContain('B');
    expect(order.lastIndexOf('A')).toBeGreaterThan(order.indexOf('B'));
  });
});
