import {
  BatchDeleteResult,
  CallContext,
  ErrorCode,
  GatewayError,
  ProviderAdapter,
  ProviderDescriptor,
  VendorCallGate,
} from '@app/core';
import { BatchClaim } from '@app/store';
import { BatchDeleter, DeleteBatchInput } from './batch-deleter';
import { SHORT_WAIT_MS } from './number-deleter';
import { accountOf, nextAnswer, SPARE_GATE } from './testing/scripted-vendor';

type VendorAnswer = BatchDeleteResult | Error;

/** A vendor adapter reduced to `deleteContactsBatch`, answering from the script once past the gate. */
function fakeAdapter(answers: VendorAnswer[], gate: VendorCallGate = SPARE_GATE) {
  const sent: { campaignId: string; phoneNumbers: readonly string[]; ctx: CallContext }[] = [];
  const adapter: ProviderAdapter = {
    descriptor: { name: 'ozonetel', capabilities: ['contacts.delete'] } as unknown as ProviderDescriptor,
    accountId: 'acct',
    deleteContact: () => Promise.reject(new Error('the batch lane never sends one number')),
    deleteContactsBatch: (campaignId, phoneNumbers, ctx) =>
      gate.run(ctx, async () => {
        sent.push({ campaignId, phoneNumbers, ctx });
        return nextAnswer(answers);
      }),
    close: async () => undefined,
  };
  return { adapter, sent };
}

const NUMBERS = [
  { index: 4, phoneNumber: '9812345604' },
  { index: 5, phoneNumber: '9812345605' },
  { index: 6, phoneNumber: '9812345606' },
];

/** A claim that takes `indexes` of the ones asked (all of them by default), each at its first attempt. */
const claiming = (indexes?: number[]) =>
  jest.fn(async (asked: number[]): Promise<BatchClaim> => ({
    kind: 'claimed',
    claimed: (indexes ?? asked).map((index) => ({ index, attempt: 1 })),
  }));

function input(adapter: ProviderAdapter, overrides: Partial<DeleteBatchInput> = {}): DeleteBatchInput {
  return {
    account: accountOf(adapter),
    campaignId: 'Collections',
    numbers: NUMBERS,
    tenant: 'client-a',
    requestId: 'operation:op-1',
    claim: claiming(),
    signal: new AbortController().signal,
    ...overrides,
  };
}

const RETRY_FOR_MS = 60_000;
const deleter = new BatchDeleter({ retryForMs: RETRY_FOR_MS });
const vendorError = (code: ErrorCode, options: ConstructorParameters<typeof GatewayError>[2] = {}) =>
  new GatewayError(code, `vendor said ${code}`, options);

describe('BatchDeleter', () => {
  describe('a batch the vendor takes', () => {
    it('claims every number just before the send, sends them in one bulk call with a short deadline, and returns them deleted', async () => {
      const { adapter, sent } = fakeAdapter([{ kind: 'deleted' }]);
      const claim = claiming();
      const started = Date.now();

      const attempt = await deleter.delete(input(adapter, { claim }));

      expect(attempt).toEqual({ kind: 'deleted', indexes: [4, 5, 6] });
      expect(claim).toHaveBeenCalledTimes(1);
      expect(claim).toHaveBeenCalledWith([4, 5, 6]);
      expect(sent).toHaveLength(1);
      expect(sent[0].campaignId).toBe('Collections');
      expect(sent[0].phoneNumbers).toEqual(['9812345604', '9812345605', '9812345606']);
      expect(sent[0].ctx).toMatchObject({
        priority: 'bulk',
        tenant: 'client-a',
        requestId: 'operation:op-1',
      });
      expect(sent[0].ctx.deadline).toBeGreaterThanOrEqual(started + SHORT_WAIT_MS);
      expect(sent[0].ctx.deadline).toBeLessThanOrEqual(Date.now() + SHORT_WAIT_MS);
    });

    it('returns as deleted only the numbers its claim took (the others have an outcome already)', async () => {
      const { adapter } = fakeAdapter([{ kind: 'deleted' }]);
      const attempt = await deleter.delete(input(adapter, { claim: claiming([4, 6]) }));
      expect(attempt).toEqual({ kind: 'deleted', indexes: [4, 6] });
    });
  });

  describe('nothing sent', () => {
    it('sends nothing when every number has an outcome already', async () => {
      const { adapter, sent } = fakeAdapter([{ kind: 'deleted' }]);
      expect(await deleter.delete(input(adapter, { claim: claiming([]) }))).toEqual({ kind: 'recorded' });
      expect(sent).toHaveLength(0);
    });

    it('sends nothing when another worker holds the chunk now', async () => {
      const { adapter, sent } = fakeAdapter([{ kind: 'deleted' }]);
      const claim = jest.fn(async (): Promise<BatchClaim> => ({ kind: 'lost' }));
      expect(await deleter.delete(input(adapter, { claim }))).toEqual({ kind: 'lost' });
      expect(sent).toHaveLength(0);
    });

    it('neither claims nor sends once the chunk is stopped', async () => {
      const { adapter, sent } = fakeAdapter([{ kind: 'deleted' }]);
      const stop = new AbortController();
      stop.abort();
      const claim = claiming();
      expect(await deleter.delete(input(adapter, { claim, signal: stop.signal }))).toEqual({
        kind: 'stopped',
      });
      expect(claim).not.toHaveBeenCalled();
      expect(sent).toHaveLength(0);
    });

    it('does not claim when the chunk is stopped while the call waits at the gate', async () => {
      const stop = new AbortController();
      const waitingGate: VendorCallGate = {
        run: async (ctx, call) => {
          stop.abort(); // the cancel lands while the call waits for its grant
          await ctx.beforeSend?.();
          return call();
        },
      };
      const { adapter, sent } = fakeAdapter([{ kind: 'deleted' }], waitingGate);
      const claim = claiming();
      expect(await deleter.delete(input(adapter, { claim, signal: stop.signal }))).toEqual({
        kind: 'stopped',
      });
      expect(claim).not.toHaveBeenCalled();
      expect(sent).toHaveLength(0);
    });

    it('sends the numbers back to the one-by-one path when the adapter has no batch delete', async () => {
      const { adapter } = fakeAdapter([]);
      const claim = claiming();
      const attempt = await deleter.delete(input({ ...adapter, deleteContactsBatch: undefined }, { claim }));
      expect(attempt).toMatchObject({ kind: 'back_to_singles', error: { code: 'operation_not_supported' } });
      expect(claim).not.toHaveBeenCalled();
    });
  });

  describe('the failure policy', () => {
    it('sends the numbers one by one when the vendor answer says nothing the gateway can rely on', async () => {
      const error = {
        code: 'provider_error',
        detail: 'odd answer',
        provider: { name: 'ozonetel', code: 'X1' },
      };
      const { adapter } = fakeAdapter([{ kind: 'not_understood', error }]);
      expect(await deleter.delete(input(adapter))).toEqual({ kind: 'back_to_singles', error });
    });

    it.each<ErrorCode>(['campaign_not_found', 'provider_auth_failed'])(
      'stops the operation on %s, which applies to every number',
      async (code) => {
        const { adapter } = fakeAdapter([vendorError(code)]);
        expect(await deleter.delete(input(adapter))).toMatchObject({
          kind: 'operation_failed',
          error: { code },
        });
      },
    );

    it("waits out the vendor's Retry-After when it was over its limit and processed nothing", async () => {
      const { adapter } = fakeAdapter([
        vendorError('provider_rate_limited', { notProcessed: true, retryAfterSeconds: 3 }),
      ]);
      expect(await deleter.delete(input(adapter))).toEqual({
        kind: 'retry',
        afterMs: 3000,
        reason: 'budget',
      });
    });

    it('backs off an outage exponentially, from 500 ms', async () => {
      const { adapter } = fakeAdapter([
        vendorError('provider_unavailable'),
        vendorError('provider_unavailable'),
      ]);
      expect(await deleter.delete(input(adapter))).toEqual({ kind: 'retry', afterMs: 500, reason: 'outage' });
      const third = await deleter.delete(
        input(adapter, { outage: { since: Date.now() - 1000, retries: 2 } }),
      );
      expect(third).toEqual({ kind: 'retry', afterMs: 2000, reason: 'outage' });
    });

    it('sends the numbers one by one once an outage has lasted retryForMs', async () => {
      const { adapter } = fakeAdapter([vendorError('provider_timeout')]);
      const attempt = await deleter.delete(
        input(adapter, { outage: { since: Date.now() - RETRY_FOR_MS, retries: 7 } }),
      );
      expect(attempt).toMatchObject({ kind: 'back_to_singles', error: { code: 'provider_timeout' } });
    });

    it('sends the numbers one by one after a failure that is not worth a blind retry', async () => {
      const { adapter } = fakeAdapter([vendorError('provider_timeout', { outcomeUnknown: true })]);
      expect(await deleter.delete(input(adapter))).toMatchObject({
        kind: 'back_to_singles',
        error: { code: 'provider_timeout' },
      });
    });

    it('throws a store outage, so the chunk is retried as a whole', async () => {
      const { adapter } = fakeAdapter([vendorError('store_unavailable')]);
      await expect(deleter.delete(input(adapter))).rejects.toMatchObject({ code: 'store_unavailable' });
    });

    it('throws what is not a gateway error (a bug, not a vendor answer)', async () => {
      const { adapter } = fakeAdapter([new TypeError('boom')]);
      await expect(deleter.delete(input(adapter))).rejects.toThrow(TypeError);
    });

    it('reports a call aborted by the chunk stopping as stopped, not as a failure', async () => {
      const stop = new AbortController();
      const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
      const { adapter, sent } = fakeAdapter([abort]);
      const attempt = await deleter.delete(input(adapter, { signal: stop.signal }));
      expect(attempt).toEqual({ kind: 'stopped' });
      expect(sent).toHaveLength(1);
    });
  });
});
