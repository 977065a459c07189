import { PinoLogger } from 'nestjs-pino';
import { DEFAULT_SETTINGS, GatewayConfig, GatewaySettings } from '@app/config';
import { ContactOutcome, GatewayError, ProviderAdapter, ProviderDescriptor } from '@app/core';
import { createMemoryStore, StoreBundle } from '@app/store';
import { Account, AccountRegistry } from '../accounts/account-registry';
import { OperationMetrics } from '../metrics/operation-metrics';
import { ChunkRunner } from './chunk-runner';
import { ChunkJob, OperationQueue } from './operation-queue';

/** What the fake vendor does for one call: answer, fail after the send, or refuse for budget before it. */
type Step = ContactOutcome['outcome'] | GatewayError | { budgetMs: number };

/**
 * The account's adapter reduced to `deleteContact`. Like a real one behind its gate, it asks the claim
 * just before sending; a budget refusal comes before the claim, as the gate's does.
 */
function fakeVendor(script: (phoneNumber: string, call: number) => Step, during?: () => Promise<void>) {
  /** Numbers the adapter was asked about: each one costs a grant of the account's budget. */
  const asked: string[] = [];
  const sent: string[] = [];
  const calls = new Map<string, number>();
  const adapter: ProviderAdapter = {
    descriptor: { name: 'isales', capabilities: ['contacts.delete'] } as unknown as ProviderDescriptor,
    accountId: 'acct',
    deleteContact: async (_campaignId, { phoneNumber }, ctx) => {
      asked.push(phoneNumber);
      const call = (calls.get(phoneNumber) ?? 0) + 1;
      calls.set(phoneNumber, call);
      const step = script(phoneNumber, call);
      if (typeof step === 'object' && 'budgetMs' in step) {
        throw new GatewayError('provider_rate_limited', 'budget spent', {
          notProcessed: true,
          retryAfterMs: step.budgetMs,
        });
      }
      await ctx.beforeSend?.();
      sent.push(phoneNumber);
      await during?.();
      if (step instanceof GatewayError) throw step;
      return { phoneNumber, outcome: step };
    },
    close: async () => undefined,
  };
  return { adapter, asked, sent };
}

const deleted = (): Step => 'deleted';

interface Setup {
  numbers?: string[];
  chunkSize?: number;
  adapter?: ProviderAdapter;
  /** False: this replica does not know the account. */
  knowsAccount?: boolean;
  settings?: Partial<GatewaySettings>;
}

async function setup({
  numbers = ['n0', 'n1', 'n2'],
  chunkSize = 10,
  adapter,
  knowsAccount = true,
  settings,
}: Setup) {
  const store: StoreBundle = createMemoryStore();
  const operation = await store.operations.create(
    { id: 'op-1', clientId: 'client-a', accountId: 'acct', campaignId: '1001', selection: {}, chunkSize },
    numbers,
    60_000,
  );
  const account: Account = {
    id: 'acct',
    descriptor: adapter?.descriptor ?? ({} as ProviderDescriptor),
    rateLimit: { limit: 100, windowMs: 1000 },
    marginMs: 100,
    adapter: adapter ?? fakeVendor(deleted).adapter,
  };
  const config = {
    settings: { ...DEFAULT_SETTINGS, operationNumbersInFlight: 1, unknownAccountGraceMs: 1_000, ...settings },
  } as GatewayConfig;
  const queue = { enqueueChunk: jest.fn(async () => undefined) } satisfies OperationQueue;
  const accounts = { get: (id: string) => (knowsAccount && id === 'acct' ? account : undefined) };
  const metrics = {
    numberRecorded: jest.fn(),
    operationEnded: jest.fn(),
    chunkDeferred: jest.fn(),
    chunkDropped: jest.fn(),
  };
  const logger = { warn: jest.fn() };
  const runner = new ChunkRunner(
    store,
    config,
    queue,
    accounts as unknown as AccountRegistry,
    metrics as unknown as OperationMetrics,
    logger as unknown as PinoLogger,
  );
  const results = async () =>
    (await store.operations.results(operation.id, { limit: 100 })).items.map((r) => [
      r.phoneNumber,
      r.outcome,
    ]);
  return { store, operation, runner, queue, metrics, results };
}

const job = (chunkIndex = 0, extra: Partial<ChunkJob> = {}): ChunkJob => ({
  operationId: 'op-1',
  chunkIndex,
  ...extra,
});

describe('ChunkRunner', () => {
  it('sends each number of the chunk once, records each outcome once and completes the operation', async () => {
    const vendor = fakeVendor((n) => (n === 'n1' ? 'not_found' : 'deleted'));
    const { runner, store, results, metrics, queue } = await setup({ adapter: vendor.adapter });
    expect(await runner.run(job(), 'worker-1')).toEqual({ kind: 'done' });
    expect(vendor.sent).toEqual(['n0', 'n1', 'n2']);
    expect(await results()).toEqual([
      ['n0', 'deleted'],
      ['n1', 'not_found'],
      ['n2', 'deleted'],
    ]);
    expect((await store.operations.get('op-1'))?.status).toBe('completed');
    expect(metrics.numberRecorded.mock.calls).toEqual([
      ['acct', 'deleted'],
      ['acct', 'not_found'],
      ['acct', 'deleted'],
    ]);
    expect(metrics.operationEnded).toHaveBeenCalledTimes(1);
    expect(metrics.operationEnded).toHaveBeenCalledWith('acct', 'completed');
    expect(queue.enqueueChunk).not.toHaveBeenCalled();
  });

  it('skips numbers that already have an outcome (a chunk resumed after a crash)', async () => {
    const vendor = fakeVendor(deleted);
    const { runner, store, results, metrics } = await setup({ adapter: vendor.adapter });
    await store.operations.recordOutcome('op-1', { index: 1, phoneNumber: 'n1', outcome: 'not_deletable' });
    await runner.run(job(), 'worker-1');
    // Not even asked of the adapter, so no budget is spent on it.
    expect(vendor.asked).toEqual(['n0', 'n2']);
    expect(vendor.sent).toEqual(['n0', 'n2']);
    expect(await results()).toEqual([
      ['n0', 'deleted'],
      ['n1', 'not_deletable'],
      ['n2', 'deleted'],
    ]);
    expect(metrics.numberRecorded).toHaveBeenCalledTimes(2);

    // Run again: nothing left to send.
    await runner.run(job(), 'worker-2');
    expect(vendor.asked).toEqual(['n0', 'n2']);
  });

  it('does not count an outcome another worker recorded first', async () => {
    const late: { store?: StoreBundle } = {};
    const vendor = fakeVendor(deleted, async () => {
      // While n0 is in flight here, a worker that took the chunk before records it.
      await late.store!.operations.recordOutcome('op-1', {
        index: 0,
        phoneNumber: 'n0',
        outcome: 'not_found',
      });
    });
    const s = await setup({ numbers: ['n0'], adapter: vendor.adapter });
    late.store = s.store;
    await s.runner.run(job(), 'worker-1');
    expect(await s.results()).toEqual([['n0', 'not_found']]);
    expect(s.metrics.numberRecorded).not.toHaveBeenCalled();
  });

  it('queues the next chunk when done, and none after the last', async () => {
    const { runner, queue, store } = await setup({ numbers: ['n0', 'n1', 'n2', 'n3', 'n4'], chunkSize: 2 });
    expect(await runner.run(job(0), 'worker-1')).toEqual({ kind: 'done' });
    expect(queue.enqueueChunk.mock.calls).toEqual([['op-1', 1]]);
    expect((await store.operations.get('op-1'))?.status).toBe('running');
    await runner.run(job(2), 'worker-1');
    expect(queue.enqueueChunk.mock.calls).toEqual([['op-1', 1]]);
  });

  it('waits a short budget wait on its worker and goes on', async () => {
    const vendor = fakeVendor((n, call) => (n === 'n0' && call === 1 ? { budgetMs: 250 } : 'deleted'));
    const { runner, results, metrics } = await setup({ adapter: vendor.adapter });
    expect(await runner.run(job(), 'worker-1')).toEqual({ kind: 'done' });
    expect(vendor.sent).toEqual(['n0', 'n1', 'n2']);
    expect((await results()).map(([, outcome]) => outcome)).toEqual(['deleted', 'deleted', 'deleted']);
    expect(metrics.chunkDeferred).not.toHaveBeenCalled();
  });

  it('steps aside (deferred) when the budget wait passes 250 ms, sending and recording nothing more', async () => {
    const vendor = fakeVendor((n) => (n === 'n1' ? { budgetMs: 2_000 } : 'deleted'));
    const { runner, results, queue, metrics } = await setup({ adapter: vendor.adapter });
    const before = Date.now();
    const result = await runner.run(job(), 'worker-1');
    expect(result).toMatchObject({
      kind: 'deferred',
      reason: 'budget',
      job: { operationId: 'op-1', chunkIndex: 0 },
    });
    // Back a little early (200 ms), so the worker's wake-up does not waste the grant.
    const { untilMs } = result as { untilMs: number };
    expect(untilMs).toBeGreaterThanOrEqual(before + 2_000 - 200);
    expect(untilMs).toBeLessThanOrEqual(Date.now() + 2_000 - 200);
    expect(vendor.sent).toEqual(['n0']);
    expect(await results()).toEqual([['n0', 'deleted']]);
    expect(queue.enqueueChunk).not.toHaveBeenCalled();
    expect(metrics.chunkDeferred).toHaveBeenCalledWith('acct', 'budget', expect.any(Number));
  });

  it('steps aside for an outage, carries it to the next run, and counts "not found" then as deleted', async () => {
    const vendor = fakeVendor((n, call) =>
      n === 'n0' && call === 1
        ? new GatewayError('provider_unavailable', 'vendor down')
        : n === 'n0'
          ? 'not_found'
          : 'deleted',
    );
    const { runner, results } = await setup({ adapter: vendor.adapter });
    const first = await runner.run(job(), 'worker-1');
    expect(first).toMatchObject({ kind: 'deferred', reason: 'outage', job: { outage: { retries: 1 } } });
    expect(await results()).toEqual([]);

    const carried = (first as { job: ChunkJob }).job;
    expect(await runner.run(carried, 'worker-2')).toEqual({ kind: 'done' });
    // The first attempt may have deleted n0 before the vendor failed: "not found" now means deleted.
    expect(await results()).toEqual([
      ['n0', 'deleted'],
      ['n1', 'deleted'],
      ['n2', 'deleted'],
    ]);
  });

  it('fails the operation and stops on an operation-wide error', async () => {
    const vendor = fakeVendor(() => new GatewayError('campaign_not_found', 'no such campaign'));
    const { runner, store, results, queue, metrics } = await setup({ adapter: vendor.adapter });
    expect(await runner.run(job(), 'worker-1')).toEqual({ kind: 'done' });
    expect(vendor.sent).toEqual(['n0']);
    expect(await results()).toEqual([]);
    expect(await store.operations.get('op-1')).toMatchObject({
      status: 'failed',
      error: { code: 'campaign_not_found' },
    });
    expect(metrics.operationEnded).toHaveBeenCalledWith('acct', 'failed');
    expect(queue.enqueueChunk).not.toHaveBeenCalled();
  });

  it('stops sending once another worker took the chunk (lost hold)', async () => {
    const late: { store?: StoreBundle } = {};
    const vendor = fakeVendor(deleted, async () => {
      await late.store!.operations.holdChunk('op-1', { chunkIndex: 0, holder: 'worker-2', leaseMs: 15_000 });
    });
    const s = await setup({ adapter: vendor.adapter });
    late.store = s.store;
    expect(await s.runner.run(job(), 'worker-1')).toEqual({ kind: 'lost' });
    // n0 was sent before the hold was lost, so its outcome stands; nothing after it is sent.
    expect(vendor.sent).toEqual(['n0']);
    expect(await s.results()).toEqual([['n0', 'deleted']]);
    expect(s.queue.enqueueChunk).not.toHaveBeenCalled();
  });

  it('sends nothing for an operation that has ended', async () => {
    const vendor = fakeVendor(deleted);
    const { runner, store } = await setup({ adapter: vendor.adapter });
    await store.operations.transition('op-1', 'cancelled');
    expect(await runner.run(job(), 'worker-1')).toEqual({ kind: 'done' });
    expect(vendor.sent).toEqual([]);
  });

  describe('an account this replica does not know', () => {
    it('hands the chunk back for another replica, noting since when', async () => {
      const { runner, store } = await setup({
        knowsAccount: false,
        settings: { unknownAccountGraceMs: 3_000 },
      });
      const before = Date.now();
      const result = await runner.run(job(), 'worker-1');
      expect(result).toMatchObject({ kind: 'deferred', reason: 'unknown_account' });
      const { untilMs, job: next } = result as { untilMs: number; job: ChunkJob };
      expect(next.unknownAccountSince).toBeGreaterThanOrEqual(before);
      expect(next.unknownAccountSince).toBeLessThanOrEqual(Date.now());
      expect(untilMs).toBeGreaterThanOrEqual(before + 3_000);
      expect(untilMs).toBeLessThanOrEqual(Date.now() + 3_000);
      expect((await store.operations.get('op-1'))?.status).toBe('queued');

      // Still within the grace: handed back again, keeping when it started.
      const again = await runner.run(next, 'worker-2');
      expect(again).toMatchObject({
        kind: 'deferred',
        job: { unknownAccountSince: next.unknownAccountSince },
      });
    });

    it('looks again after 5 s at most, however long the grace', async () => {
      const { runner } = await setup({ knowsAccount: false, settings: { unknownAccountGraceMs: 60_000 } });
      const result = await runner.run(job(), 'worker-1');
      expect((result as { untilMs: number }).untilMs).toBeLessThanOrEqual(Date.now() + 5_000);
    });

    it('fails the operation with account_not_found once the grace has passed', async () => {
      const { runner, store, metrics } = await setup({ knowsAccount: false });
      const since = Date.now() - 1_000;
      expect(await runner.run(job(0, { unknownAccountSince: since }), 'worker-1')).toEqual({ kind: 'done' });
      expect(await store.operations.get('op-1')).toMatchObject({
        status: 'failed',
        error: { code: 'account_not_found' },
      });
      expect(metrics.operationEnded).toHaveBeenCalledWith('acct', 'failed');
    });
  });
});
