import { setTimeout as sleep } from 'node:timers/promises';
import { ContactOutcomeKind, GatewayError } from '@app/core';
import { NewOperation, NumberOutcome, OperationStore } from '../ports/operation-store';
import { encodeCursor } from '../operations/results-cursor';

let seq = 0;
const unique = (kind: string) => `${kind}-${process.pid}-${Date.now()}-${seq++}`;

const RETENTION_MS = 60_000;
const RFC3339_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function newOperation(overrides: Partial<NewOperation> = {}): NewOperation {
  return {
    id: unique('op'),
    clientId: unique('client'),
    accountId: unique('acct'),
    campaignId: '1002',
    selection: { archive: false, contactName: 'Asha' },
    chunkSize: 4,
    ...overrides,
  };
}

const numbersOf = (count: number, first = 0) =>
  Array.from({ length: count }, (_, i) => `+9198${String(first + i).padStart(8, '0')}`);

/** The outcome kinds in turn, so pages with and without a filter differ. */
const KINDS: ContactOutcomeKind[] = ['deleted', 'not_found', 'not_deletable', 'failed'];

function outcomeFor(index: number, numbers: string[]): NumberOutcome {
  const outcome = KINDS[index % KINDS.length];
  return outcome === 'failed'
    ? {
        index,
        phoneNumber: numbers[index],
        outcome,
        error: { code: 'provider_error', detail: 'vendor said no' },
      }
    : { index, phoneNumber: numbers[index], outcome };
}

/** The behaviour every OperationStore must have, run against each implementation. */
export function describeOperationStoreContract(
  name: string,
  create: () => Promise<OperationStore> | OperationStore,
): void {
  describe(`OperationStore contract: ${name}`, () => {
    let store: OperationStore;
    beforeAll(async () => {
      store = await create();
    });

    async function created(count: number, overrides: Partial<NewOperation> = {}, retentionMs = RETENTION_MS) {
      const operation = newOperation(overrides);
      const numbers = numbersOf(count);
      const record = await store.create(operation, numbers, retentionMs);
      return { operation, numbers, record, id: operation.id };
    }

    const hold = { chunkIndex: 0, holder: 'holder-1', leaseMs: 5000 };

    /** Claims a send as the chunk's holder and gives the attempt count. */
    async function attempt(id: string, index: number): Promise<number> {
      const claim = await store.claimSend(id, index, hold);
      if (claim.kind !== 'claimed') throw new Error(`claim ${claim.kind}`);
      return claim.attempt;
    }

    describe('create and get', () => {
      it('stores a queued operation with zero progress, its chunk count and RFC 3339 times', async () => {
        const before = Date.now();
        const { operation, record } = await created(10);
        expect(record).toEqual({
          ...operation,
          type: 'contacts.delete',
          status: 'queued',
          progress: { total: 10, processed: 0, deleted: 0, notFound: 0, notDeletable: 0, failed: 0 },
          chunkCount: 3,
          createdAt: record.createdAt,
          updatedAt: record.createdAt,
        });
        expect(record.createdAt).toMatch(RFC3339_UTC_MS);
        // The store's clock (Redis: the server's) is close to ours on one machine.
        expect(Math.abs(Date.parse(record.createdAt) - before)).toBeLessThan(5000);
        expect(await store.get(operation.id)).toEqual(record);
      });

      it('gives chunkCount = ceil(total / chunkSize)', async () => {
        expect((await created(8)).record.chunkCount).toBe(2);
        expect((await created(1)).record.chunkCount).toBe(1);
        expect((await created(5, { chunkSize: 1 })).record.chunkCount).toBe(5);
      });

      it('stores an operation without numbers: nothing to chunk, and it stays queued', async () => {
        const { id, record } = await created(0);
        expect(record).toMatchObject({
          status: 'queued',
          chunkCount: 0,
          progress: { total: 0, processed: 0 },
        });
        expect(await store.chunk(id, 0)).toEqual([]);
        expect(await store.get(id)).toEqual(record);
      });

      it('returns undefined for an unknown operation', async () => {
        expect(await store.get(unique('missing'))).toBeUndefined();
      });

      it('keeps the selection as given, and operations apart', async () => {
        const selection = {
          sessionId: 'abc',
          scheduledTime: { at: '2026-12-04T17:57:00+08:00', match: 'exact' },
        };
        const a = await created(3, { selection });
        const b = await created(2);
        expect((await store.get(a.id))?.selection).toEqual(selection);
        expect((await store.get(b.id))?.progress.total).toBe(2);
      });

      it('keeps the traceparent of the request that started it, and none when there was none', async () => {
        const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        const traced = await created(2, { traceparent });
        const untraced = await created(2);
        expect(traced.record.traceparent).toBe(traceparent);
        expect((await store.get(traced.id))?.traceparent).toBe(traceparent);
        expect((await store.get(untraced.id))?.traceparent).toBeUndefined();
      });

      it('refuses a second operation with the same id, leaving the first as it was', async () => {
        const { operation, record } = await created(3);
        await expect(store.create(operation, numbersOf(7), RETENTION_MS)).rejects.toThrow(/already exists/);
        expect(await store.get(operation.id)).toEqual(record);
        expect(await store.chunk(operation.id, 1)).toEqual([]);
      });

      it("counts the new operation's numbers as queued on its account", async () => {
        const { operation } = await created(3);
        expect(await store.queueOf(operation.accountId)).toEqual({
          total: 3,
          operations: [{ id: operation.id, remaining: 3 }],
        });
        expect(await store.queueOf(unique('acct'))).toEqual({ total: 0, operations: [] });
      });
    });

    describe('chunks', () => {
      it('hands out each chunk with its indexes, the last one partial, nothing past the end', async () => {
        const { id, numbers } = await created(10);
        expect(await store.chunk(id, 0)).toEqual(
          numbers.slice(0, 4).map((phoneNumber, i) => ({ index: i, phoneNumber })),
        );
        expect(await store.chunk(id, 1)).toEqual(
          numbers.slice(4, 8).map((phoneNumber, i) => ({ index: 4 + i, phoneNumber })),
        );
        expect(await store.chunk(id, 2)).toEqual([
          { index: 8, phoneNumber: numbers[8] },
          { index: 9, phoneNumber: numbers[9] },
        ]);
        expect(await store.chunk(id, 3)).toEqual([]);
        expect(await store.chunk(id, 1000)).toEqual([]);
        expect(await store.chunk(id, -1)).toEqual([]);
        expect(await store.chunk(unique('missing'), 0)).toEqual([]);
      });
    });

    describe('outcomes', () => {
      it('counts an outcome once: a resent number is not recorded again and moves no counter', async () => {
        const { id, numbers } = await created(3);
        const first = await store.recordOutcome(id, {
          index: 1,
          phoneNumber: numbers[1],
          outcome: 'deleted',
        });
        expect(first.recorded).toBe(true);
        expect(first.operation.progress).toEqual({
          total: 3,
          processed: 1,
          deleted: 1,
          notFound: 0,
          notDeletable: 0,
          failed: 0,
        });
        const again = await store.recordOutcome(id, {
          index: 1,
          phoneNumber: numbers[1],
          outcome: 'not_found',
        });
        expect(again.recorded).toBe(false);
        expect(again.operation.progress).toEqual(first.operation.progress);
        expect((await store.get(id))?.progress).toEqual(first.operation.progress);
        // The first outcome stands.
        expect((await store.results(id, { limit: 10 })).items).toEqual([
          { index: 1, phoneNumber: numbers[1], outcome: 'deleted' },
        ]);
      });

      it('gives back the number and error as recorded, also a number written unlike the listed one', async () => {
        const { id, numbers } = await created(4);
        const error = { code: 'provider_error', detail: 'refused', provider: { name: 'ozonetel' } };
        const recorded: NumberOutcome[] = [
          { index: 0, phoneNumber: numbers[0], outcome: 'deleted' },
          { index: 1, phoneNumber: `00${numbers[1].slice(1)}`, outcome: 'not_found' },
          { index: 2, phoneNumber: numbers[2], outcome: 'not_deletable', error },
          { index: 3, phoneNumber: 'written-differently', outcome: 'failed', error },
        ];
        for (const outcome of recorded) await store.recordOutcome(id, outcome);
        const { items } = await store.results(id, { limit: 10 });
        expect(items).toEqual(recorded);
        expect(Object.keys(items[0]).sort()).toEqual(['index', 'outcome', 'phoneNumber']);
        expect((await store.results(id, { outcome: 'failed', limit: 10 })).items).toEqual([recorded[3]]);
      });

      it('moves the counter of each outcome kind', async () => {
        const { id, numbers } = await created(8);
        for (let index = 0; index < 6; index++) await store.recordOutcome(id, outcomeFor(index, numbers));
        expect((await store.get(id))?.progress).toEqual({
          total: 8,
          processed: 6,
          deleted: 2,
          notFound: 2,
          notDeletable: 1,
          failed: 1,
        });
      });

      it('records exactly one of 30 concurrent outcomes for one number', async () => {
        const { id, numbers } = await created(5);
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            store.recordOutcome(id, { index: 2, phoneNumber: numbers[2], outcome: KINDS[i % KINDS.length] }),
          ),
        );
        expect(results.filter((r) => r.recorded)).toHaveLength(1);
        const progress = (await store.get(id))?.progress;
        expect(progress?.processed).toBe(1);
        expect(progress!.deleted + progress!.notFound + progress!.notDeletable + progress!.failed).toBe(1);
      });

      it('updates updatedAt with each outcome, never before createdAt', async () => {
        const { id, numbers, record } = await created(3);
        await sleep(5);
        const { operation } = await store.recordOutcome(id, outcomeFor(0, numbers));
        expect(operation.updatedAt).toMatch(RFC3339_UTC_MS);
        expect(Date.parse(operation.updatedAt)).toBeGreaterThan(Date.parse(record.createdAt));
        expect(operation.createdAt).toBe(record.createdAt);
      });

      it('completes the operation with its last outcome and drops it from the active list', async () => {
        const { id, numbers, operation } = await created(3);
        expect(await store.transition(id, 'running')).toMatchObject({ status: 'running' });
        for (const index of [2, 0]) {
          const { operation: after } = await store.recordOutcome(id, outcomeFor(index, numbers));
          expect(after.status).toBe('running');
        }
        const last = await store.recordOutcome(id, outcomeFor(1, numbers));
        expect(last).toMatchObject({ recorded: true, operation: { status: 'completed' } });
        expect(last.operation.progress.processed).toBe(3);
        expect(await store.get(id)).toEqual(last.operation);
        expect(await store.queueOf(operation.accountId)).toEqual({ total: 0, operations: [] });
      });

      it('completes a queued operation too (its first chunk may finish before anyone said running)', async () => {
        const { id, numbers } = await created(1);
        const { operation } = await store.recordOutcome(id, outcomeFor(0, numbers));
        expect(operation.status).toBe('completed');
      });

      it('still records an outcome after a cancel, keeping the status cancelled', async () => {
        const { id, numbers, operation } = await created(2);
        await store.transition(id, 'running');
        await store.recordOutcome(id, outcomeFor(0, numbers));
        expect(await store.transition(id, 'cancelled')).toMatchObject({ status: 'cancelled' });
        expect(await store.queueOf(operation.accountId)).toEqual({ total: 0, operations: [] });
        // A number that was in flight when the cancel came.
        const late = await store.recordOutcome(id, outcomeFor(1, numbers));
        expect(late.recorded).toBe(true);
        expect(late.operation.status).toBe('cancelled');
        expect(late.operation.progress.processed).toBe(2);
      });

      it('says which indexes already have an outcome', async () => {
        const { id, numbers } = await created(10);
        for (const index of [1, 4, 9]) await store.recordOutcome(id, outcomeFor(index, numbers));
        expect(await store.recordedAmong(id, [0, 1, 2, 3, 4, 5])).toEqual(new Set([1, 4]));
        expect(await store.recordedAmong(id, [9])).toEqual(new Set([9]));
        expect(await store.recordedAmong(id, [])).toEqual(new Set());
        expect(await store.recordedAmong(unique('missing'), [0, 1])).toEqual(new Set());
      });

      it('refuses an index outside the operation, and an operation that does not exist', async () => {
        const { id, numbers } = await created(3);
        await expect(
          store.recordOutcome(id, { index: 3, phoneNumber: 'x', outcome: 'deleted' }),
        ).rejects.toThrow(RangeError);
        await expect(
          store.recordOutcome(id, { index: -1, phoneNumber: 'x', outcome: 'deleted' }),
        ).rejects.toThrow(RangeError);
        await expect(store.recordOutcome(unique('missing'), outcomeFor(0, numbers))).rejects.toMatchObject({
          code: 'operation_not_found',
        });
        expect((await store.get(id))?.progress.processed).toBe(0);
      });
    });

    describe('attempts', () => {
      it('counts attempts per number: 1, 2, 3', async () => {
        const { id } = await created(3);
        await store.holdChunk(id, hold);
        expect(await attempt(id, 0)).toBe(1);
        expect(await attempt(id, 0)).toBe(2);
        expect(await attempt(id, 2)).toBe(1);
        expect(await attempt(id, 0)).toBe(3);
      });

      it('keeps counting past 2, each number on its own', async () => {
        const { id } = await created(5);
        await store.holdChunk(id, hold);
        for (let count = 1; count <= 6; count++) expect(await attempt(id, 4)).toBe(count);
        expect(await attempt(id, 3)).toBe(1);
        expect(await attempt(id, 4)).toBe(7);
        expect(await attempt(id, 3)).toBe(2);
        expect(await attempt(id, 0)).toBe(1);
      });

      it('gives 20 concurrent attempts on one number the counts 1 to 20, each once', async () => {
        const { id } = await created(3);
        await store.holdChunk(id, hold);
        const counts = await Promise.all(Array.from({ length: 20 }, () => attempt(id, 1)));
        expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await attempt(id, 2)).toBe(1);
      });

      it('refuses an index outside the operation, and an operation that does not exist', async () => {
        const { id } = await created(3);
        await store.holdChunk(id, hold);
        await expect(store.claimSend(id, 3, hold)).rejects.toThrow(RangeError);
        await expect(store.claimSend(unique('missing'), 0, hold)).rejects.toMatchObject({
          code: 'operation_not_found',
        });
        await expect(store.holdChunk(unique('missing'), hold)).rejects.toMatchObject({
          code: 'operation_not_found',
        });
      });
    });

    describe('holds: one sender per number', () => {
      it('lets only the newest holder send: a replaced holder is told it lost the chunk', async () => {
        const { id } = await created(4);
        const first = { ...hold, holder: 'first' };
        const second = { ...hold, holder: 'second' };
        await store.holdChunk(id, first);
        expect(await store.claimSend(id, 0, first)).toEqual({ kind: 'claimed', attempt: 1 });
        await store.holdChunk(id, second);
        expect(await store.claimSend(id, 1, first)).toEqual({ kind: 'lost' });
        expect(await store.renewHold(id, first)).toEqual({ held: false, status: 'queued' });
        expect(await store.claimSend(id, 1, second)).toEqual({ kind: 'claimed', attempt: 1 });
        expect(await store.renewHold(id, second)).toEqual({ held: true, status: 'queued' });
      });

      it('keeps holds of different chunks apart, and nobody holds a chunk never taken', async () => {
        const { id } = await created(8);
        await store.holdChunk(id, hold);
        const other = { ...hold, chunkIndex: 1, holder: 'other' };
        expect(await store.claimSend(id, 4, other)).toEqual({ kind: 'lost' });
        await store.holdChunk(id, other);
        expect(await store.claimSend(id, 4, other)).toEqual({ kind: 'claimed', attempt: 1 });
        expect(await store.claimSend(id, 0, hold)).toEqual({ kind: 'claimed', attempt: 1 });
      });

      it('refuses to send a number that has an outcome, counting no attempt', async () => {
        const { id, numbers } = await created(3);
        await store.holdChunk(id, hold);
        await store.recordOutcome(id, outcomeFor(1, numbers));
        expect(await store.claimSend(id, 1, hold)).toEqual({ kind: 'recorded' });
        expect(await store.claimSend(id, 0, hold)).toEqual({ kind: 'claimed', attempt: 1 });
      });

      it('claims a batch in one step: only numbers without an outcome, each attempt counted, only by the holder', async () => {
        const { id, numbers } = await created(8);
        await store.holdChunk(id, hold);
        await store.recordOutcome(id, outcomeFor(2, numbers));
        expect(await store.claimSend(id, 1, hold)).toEqual({ kind: 'claimed', attempt: 1 });
        const claim = await store.claimSendMany(id, [0, 1, 2, 3], hold);
        expect(claim).toEqual({
          kind: 'claimed',
          claimed: [
            { index: 0, attempt: 1 },
            { index: 1, attempt: 2 },
            { index: 3, attempt: 1 },
          ],
        });
        expect(await store.claimSend(id, 3, hold)).toEqual({ kind: 'claimed', attempt: 2 });
        expect(await store.claimSendMany(id, [0, 1], { ...hold, holder: 'someone else' })).toEqual({
          kind: 'lost',
        });
        expect(await store.claimSendMany(id, [0], hold)).toEqual({
          kind: 'claimed',
          claimed: [{ index: 0, attempt: 2 }],
        });
        await expect(store.claimSendMany(id, [8], hold)).rejects.toThrow(RangeError);
        await expect(store.claimSendMany(unique('missing'), [0], hold)).rejects.toMatchObject({
          code: 'operation_not_found',
        });
      });

      it('keeps via batch on deleted outcomes, counted and filtered as deleted', async () => {
        const { id, numbers } = await created(4);
        await store.recordOutcome(id, {
          index: 0,
          phoneNumber: numbers[0],
          outcome: 'deleted',
          via: 'batch',
        });
        await store.recordOutcome(id, { index: 1, phoneNumber: numbers[1], outcome: 'deleted' });
        await store.recordOutcome(id, { index: 2, phoneNumber: numbers[2], outcome: 'not_found' });
        const { operation } = await store.recordOutcome(id, {
          index: 3,
          phoneNumber: numbers[3],
          outcome: 'deleted',
          via: 'batch',
        });
        expect(operation.progress).toMatchObject({ processed: 4, deleted: 3, notFound: 1 });
        expect((await store.results(id, { limit: 10 })).items).toEqual([
          { index: 0, phoneNumber: numbers[0], outcome: 'deleted', via: 'batch' },
          { index: 1, phoneNumber: numbers[1], outcome: 'deleted' },
          { index: 2, phoneNumber: numbers[2], outcome: 'not_found' },
          { index: 3, phoneNumber: numbers[3], outcome: 'deleted', via: 'batch' },
        ]);
        const deleted = await store.results(id, { outcome: 'deleted', limit: 2 });
        expect(deleted.items.map((item) => item.index)).toEqual([0, 1]);
        const rest = await store.results(id, { outcome: 'deleted', limit: 2, cursor: deleted.nextCursor });
        expect(rest.items.map((item) => item.index)).toEqual([3]);
        expect((await store.results(id, { outcome: 'not_found', limit: 10 })).items).toHaveLength(1);
      });

      it('lets a hold lapse after its lease unless renewed', async () => {
        const { id } = await created(3);
        const short = { ...hold, leaseMs: 300 };
        await store.holdChunk(id, short);
        await sleep(150);
        expect(await store.renewHold(id, short)).toEqual({ held: true, status: 'queued' });
        await sleep(200);
        expect(await store.claimSend(id, 0, short)).toEqual({ kind: 'claimed', attempt: 1 });
        await sleep(400);
        expect(await store.claimSend(id, 1, short)).toEqual({ kind: 'lost' });
      });

      it("says the operation's status with the hold, and nothing held for one that is gone", async () => {
        const { id } = await created(3);
        await store.holdChunk(id, hold);
        await store.transition(id, 'cancelled');
        expect(await store.renewHold(id, hold)).toEqual({ held: true, status: 'cancelled' });
        expect(await store.renewHold(unique('missing'), hold)).toEqual({ held: false });
      });
    });

    describe('quotas', () => {
      const quotas = { maxActivePerClient: 2, maxQueuedPerAccount: 10 };
      const create = (overrides: Partial<NewOperation>, count: number) =>
        store.create(newOperation(overrides), numbersOf(count), RETENTION_MS, quotas);

      it("refuses a client's operation past its most active ones, storing nothing, until one ends", async () => {
        const clientId = unique('client');
        const first = await create({ clientId }, 1);
        await create({ clientId }, 1);
        const refused = newOperation({ clientId });
        const error = await store
          .create(refused, numbersOf(1), RETENTION_MS, quotas)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GatewayError);
        expect(error).toMatchObject({ code: 'operation_quota_exceeded' });
        expect((error as GatewayError).detail).toMatch(
          /2 active operations.*maxActiveOperationsPerClient = 2/,
        );
        expect(await store.get(refused.id)).toBeUndefined();
        expect(await store.queueOf(refused.accountId)).toEqual({ total: 0, operations: [] });
        // Another client is not held back by this one.
        await expect(create({}, 1)).resolves.toMatchObject({ status: 'queued' });
        await store.transition(first.id, 'cancelled');
        await expect(create({ clientId }, 1)).resolves.toMatchObject({ status: 'queued' });
      });

      it("refuses numbers that would pass the account's queue, naming the count, until it shrinks", async () => {
        const accountId = unique('acct');
        const first = await create({ accountId }, 6);
        const error = await create({ accountId }, 5).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'operation_quota_exceeded' });
        expect((error as GatewayError).detail).toMatch(/6 numbers queued; 5 more would pass the limit of 10/);
        await expect(create({ accountId }, 4)).resolves.toMatchObject({ status: 'queued' });
        expect((await store.queueOf(accountId)).total).toBe(10);
        // A chunk's worth of outcomes, noted: the queue shrinks by what was processed.
        const numbers = numbersOf(6);
        for (const index of [0, 1, 2]) await store.recordOutcome(first.id, outcomeFor(index, numbers));
        await store.noteRemaining(first.id);
        expect(await store.queueOf(accountId)).toMatchObject({ total: 7 });
        await expect(create({ accountId }, 3)).resolves.toMatchObject({ status: 'queued' });
      });

      it('admits exactly as many of many concurrent operations as the quota allows', async () => {
        const clientId = unique('client');
        const results = await Promise.allSettled(Array.from({ length: 8 }, () => create({ clientId }, 1)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
        for (const result of results.filter((r) => r.status === 'rejected')) {
          expect(result.reason).toMatchObject({ code: 'operation_quota_exceeded' });
        }
      });
    });

    describe('transitions', () => {
      it('goes queued → running → cancelled, stamping updatedAt', async () => {
        const { id, record } = await created(3);
        await sleep(5);
        const running = await store.transition(id, 'running');
        expect(running).toMatchObject({ status: 'running' });
        expect(Date.parse(running!.updatedAt)).toBeGreaterThan(Date.parse(record.updatedAt));
        expect(await store.transition(id, 'cancelled')).toMatchObject({ status: 'cancelled' });
        expect(await store.get(id)).toMatchObject({ status: 'cancelled' });
      });

      it('cancels a queued operation directly', async () => {
        const { id } = await created(3);
        expect(await store.transition(id, 'cancelled')).toMatchObject({ status: 'cancelled' });
      });

      it('fails an operation with its reason and drops it from the active list', async () => {
        const { id, operation } = await created(3);
        const error = {
          code: 'campaign_not_found',
          detail: 'No campaign 1002',
          provider: { name: 'isales' },
        };
        const failed = await store.transition(id, 'failed', error);
        expect(failed).toMatchObject({ status: 'failed', error });
        expect(await store.get(id)).toEqual(failed);
        expect(await store.queueOf(operation.accountId)).toEqual({ total: 0, operations: [] });
      });

      it('leaves running as it is when asked to run again', async () => {
        const { id } = await created(3);
        const running = await store.transition(id, 'running');
        expect(await store.transition(id, 'running')).toEqual(running);
      });

      it.each(['cancelled', 'failed', 'completed'] as const)(
        'never moves a %s operation again',
        async (terminal) => {
          const { id, numbers } = await created(1);
          if (terminal === 'completed') await store.recordOutcome(id, outcomeFor(0, numbers));
          else await store.transition(id, terminal, { code: 'provider_auth_failed', detail: 'refused' });
          const settled = await store.get(id);
          expect(settled?.status).toBe(terminal);
          for (const status of ['running', 'cancelled', 'failed'] as const) {
            expect(await store.transition(id, status, { code: 'other', detail: 'later' })).toEqual(settled);
          }
          expect(await store.get(id)).toEqual(settled);
        },
      );

      it('returns undefined for an unknown operation', async () => {
        expect(await store.transition(unique('missing'), 'cancelled')).toBeUndefined();
      });
    });

    describe('results', () => {
      /** An operation of 25 numbers with outcomes for every index but 7 and 19, recorded out of order. */
      async function withOutcomes() {
        const { id, numbers } = await created(25, { chunkSize: 10 });
        const indexes = numbersOf(25).map((_, i) => i);
        const recorded = indexes.filter((i) => i !== 7 && i !== 19).reverse();
        for (const index of recorded) await store.recordOutcome(id, outcomeFor(index, numbers));
        const expected = recorded.sort((a, b) => a - b).map((index) => outcomeFor(index, numbers));
        return { id, expected };
      }

      async function allPages(id: string, limit: number, outcome?: ContactOutcomeKind) {
        const pages: NumberOutcome[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.results(id, { outcome, cursor, limit });
          pages.push(page.items);
          cursor = page.nextCursor;
          if (pages.length > 100) throw new Error('paging does not end');
        } while (cursor !== undefined);
        return pages;
      }

      it('pages through the outcomes in index order, limit at a time', async () => {
        const { id, expected } = await withOutcomes();
        const pages = await allPages(id, 5);
        expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
        expect(pages.flat()).toEqual(expected);
      });

      it('gives no cursor on the last page, also when it is full', async () => {
        const { id, expected } = await withOutcomes();
        const one = await store.results(id, { limit: 23 });
        expect(one).toEqual({ items: expected });
        expect(Object.keys(one)).toEqual(['items']);
        const bigger = await store.results(id, { limit: 1000 });
        expect(bigger).toEqual({ items: expected });
      });

      it('filters by outcome, paging in index order', async () => {
        const { id, expected } = await withOutcomes();
        for (const kind of KINDS) {
          const pages = await allPages(id, 2, kind);
          expect(pages.flat()).toEqual(expected.filter((item) => item.outcome === kind));
        }
        const failed = (await store.results(id, { outcome: 'failed', limit: 1 })).items[0];
        expect(failed.error).toEqual({ code: 'provider_error', detail: 'vendor said no' });
      });

      it('pages over numbers without an outcome yet, in index order, whatever the page size', async () => {
        const { id, numbers } = await created(40, { chunkSize: 10 });
        // Chunks 0 and 3 done, chunk 2 only started (20), chunk 1 not yet: gaps 10..19 and 21..29.
        const recorded = [...Array.from({ length: 10 }, (_, i) => 39 - i), 20, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
        for (const index of recorded) await store.recordOutcome(id, outcomeFor(index, numbers));
        const expected = [...recorded].sort((a, b) => a - b).map((index) => outcomeFor(index, numbers));
        for (const limit of [1, 3, 10, 11, 21]) {
          const pages = await allPages(id, limit);
          expect(pages.flat()).toEqual(expected);
          expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
        }
        // A page ending just before a gap goes on at the next outcome after it.
        const firstTen = await store.results(id, { limit: 10 });
        expect(firstTen.items.map((item) => item.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        const next = await store.results(id, { cursor: firstTen.nextCursor, limit: 2 });
        expect(next.items.map((item) => item.index)).toEqual([20, 30]);
        // A cursor names where to look from, so one inside a gap goes on at the next outcome after it.
        const inGap = await store.results(id, { cursor: encodeCursor(12), limit: 2 });
        expect(inGap.items.map((item) => item.index)).toEqual([20, 30]);
        expect((await store.results(id, { cursor: encodeCursor(40), limit: 2 })).items).toEqual([]);
        expect((await store.results(id, { cursor: encodeCursor(10_000), limit: 2 })).items).toEqual([]);
        expect(
          (await store.results(id, { outcome: 'deleted', cursor: encodeCursor(9), limit: 5 })).items,
        ).toEqual([20, 32, 36].map((index) => outcomeFor(index, numbers)));
      });

      it('returns an empty page for an operation without outcomes, or unknown', async () => {
        const { id } = await created(3);
        expect(await store.results(id, { limit: 10 })).toEqual({ items: [] });
        expect(await store.results(unique('missing'), { limit: 10 })).toEqual({ items: [] });
      });

      it.each(['not-a-cursor!', '', 'LTE', 'MDA', 'YWJj', 'MQ==', 'MS4w'])(
        'refuses a cursor it did not write (%p) with validation_failed',
        async (cursor) => {
          const { id } = await created(3);
          const error = await store.results(id, { cursor, limit: 10 }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(GatewayError);
          expect(error).toMatchObject({ code: 'validation_failed', errors: [{ field: 'cursor' }] });
          expect((error as GatewayError).errors?.[0].message).toMatch(/\S/);
        },
      );

      it('refuses a bad cursor even for an unknown operation', async () => {
        await expect(store.results(unique('missing'), { cursor: '***', limit: 10 })).rejects.toMatchObject({
          code: 'validation_failed',
        });
      });
    });

    describe('retention', () => {
      it("forgets an operation after its retention, and drops it from its account's queue", async () => {
        const { id, numbers, operation } = await created(3);
        const short = newOperation({ accountId: operation.accountId });
        await store.create(short, numbersOf(2), 300);
        await store.holdChunk(short.id, hold);
        await store.claimSend(short.id, 0, hold);
        await store.recordOutcome(short.id, { index: 0, phoneNumber: numbersOf(2)[0], outcome: 'deleted' });
        expect((await store.queueOf(operation.accountId)).operations.map((o) => o.id).sort()).toEqual(
          [id, short.id].sort(),
        );
        await sleep(500);
        expect(await store.get(short.id)).toBeUndefined();
        expect(await store.chunk(short.id, 0)).toEqual([]);
        expect(await store.results(short.id, { limit: 10 })).toEqual({ items: [] });
        expect(await store.recordedAmong(short.id, [0])).toEqual(new Set());
        expect(await store.queueOf(operation.accountId)).toEqual({
          total: 3,
          operations: [{ id, remaining: 3 }],
        });
        // The long-lived one is untouched.
        expect((await store.recordOutcome(id, outcomeFor(0, numbers))).recorded).toBe(true);
      });

      it('lets an id be used again once its operation expired', async () => {
        const operation = newOperation();
        await store.create(operation, numbersOf(2), 200);
        await sleep(400);
        const again = await store.create(operation, numbersOf(3), RETENTION_MS);
        expect(again.progress.total).toBe(3);
        expect(await store.chunk(operation.id, 0)).toHaveLength(3);
      });
    });

    describe('size', () => {
      it('creates an operation of 200,000 numbers in a few seconds', async () => {
        const operation = newOperation({ chunkSize: 500 });
        const numbers = numbersOf(200_000);
        const started = performance.now();
        const record = await store.create(operation, numbers, RETENTION_MS);
        const ms = Math.round(performance.now() - started);
        console.log(`OperationStore ${name}: created 200,000 numbers in ${ms} ms`);
        expect(ms).toBeLessThan(20_000);
        expect(record.progress.total).toBe(200_000);
        expect(record.chunkCount).toBe(400);
        expect(await store.chunk(operation.id, 399)).toEqual(
          numbers.slice(199_500).map((phoneNumber, i) => ({ index: 199_500 + i, phoneNumber })),
        );
        expect(await store.chunk(operation.id, 200)).toHaveLength(500);
        expect(await store.chunk(operation.id, 400)).toEqual([]);
      }, 30_000);

      it('pages a rare outcome over 200,000 recorded numbers quickly', async () => {
        const total = 200_000;
        // Recording 200,000 outcomes takes most of a minute on a loaded Cluster: kept well past that.
        const { id, numbers } = await created(total, { chunkSize: 500 }, 10 * RETENTION_MS);
        const error = { code: 'provider_error', detail: 'vendor said no' };
        /** Deleted, but not_deletable at 10,000, 30,000, ... (10 of them), and the last one failed. */
        const outcomeAt = (index: number): NumberOutcome => {
          const phoneNumber = numbers[index];
          if (index === total - 1) return { index, phoneNumber, outcome: 'failed', error };
          if (index % 20_000 === 10_000) return { index, phoneNumber, outcome: 'not_deletable', error };
          return { index, phoneNumber, outcome: 'deleted' };
        };
        // Everything but a gap of 100 in the middle, 128 outcomes in flight (as replicas would send).
        const inGap = (index: number) => index >= 100_000 && index < 100_100;
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: 128 }, async () => {
            for (let index = next++; index < total; index = next++) {
              if (!inGap(index)) await store.recordOutcome(id, outcomeAt(index));
            }
          }),
        );
        const recordMs = Math.round(performance.now() - started);
        expect((await store.get(id))?.progress).toMatchObject({ processed: total - 100, failed: 1 });

        const timings: string[] = [];
        const timed = async <T>(label: string, read: () => Promise<T>): Promise<T> => {
          const start = performance.now();
          const result = await read();
          const ms = performance.now() - start;
          timings.push(`${label} ${ms.toFixed(1)} ms`);
          expect(ms).toBeLessThan(1000);
          return result;
        };
        // The only failed number is the last one: one page, the whole operation looked through.
        const last = await timed('failed (the last number only)', () =>
          store.results(id, { outcome: 'failed', limit: 100 }),
        );
        expect(last).toEqual({ items: [outcomeAt(total - 1)] });
        const rare: NumberOutcome[] = [];
        let cursor: string | undefined;
        do {
          const page = await timed('not_deletable, 3 a page', () =>
            store.results(id, { outcome: 'not_deletable', cursor, limit: 3 }),
          );
          rare.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== undefined && rare.length < 100);
        expect(rare).toEqual(Array.from({ length: 10 }, (_, i) => outcomeAt(10_000 + 20_000 * i)));
        expect(
          await timed('none of the kind', () => store.results(id, { outcome: 'not_found', limit: 100 })),
        ).toEqual({ items: [] });
        const overGap = await timed('1000 over the gap', () =>
          store.results(id, { cursor: encodeCursor(99_500), limit: 1000 }),
        );
        expect(overGap.items.map((item) => item.index)).toEqual([
          ...Array.from({ length: 500 }, (_, i) => 99_500 + i),
          ...Array.from({ length: 500 }, (_, i) => 100_100 + i),
        ]);
        expect(overGap.nextCursor).toBe(encodeCursor(100_600));
        expect(
          await store.recordedAmong(id, [
            0,
            99_999,
            100_000,
            100_099,
            100_100,
            150_000,
            total - 1,
            total,
            -1,
            1.5,
          ]),
        ).toEqual(new Set([0, 99_999, 100_100, 150_000, total - 1]));
        console.log(
          `OperationStore ${name}: recorded 199,900 outcomes in ${recordMs} ms; pages over 200,000: ${timings.join(', ')}`,
        );

        for (let index = 100_000; index < 100_100; index++) await store.recordOutcome(id, outcomeAt(index));
        expect((await store.get(id))?.status).toBe('completed');
        expect(
          (await store.results(id, { outcome: 'failed', cursor: encodeCursor(1), limit: 1 })).items,
        ).toEqual([outcomeAt(total - 1)]);
      }, 120_000);
    });
  });
}
