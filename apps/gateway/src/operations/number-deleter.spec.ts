import {
  CallContext,
  ContactOutcome,
  ContactSelection,
  ErrorCode,
  GatewayError,
  ProviderAdapter,
  ProviderDescriptor,
  VendorCallGate,
} from '@app/core';
import { BudgetGate, MemoryRateLimiter, SendClaim } from '@app/store';
import { DeleteNumberInput, NumberDeleter, SHORT_WAIT_MS } from './number-deleter';
import { accountOf, nextAnswer, SPARE_GATE } from './testing/scripted-vendor';

type VendorAnswer = ContactOutcome | Error;

/**
 * A vendor adapter reduced to `deleteContact`: each call passes `gate` (which asks the claim just
 * before the send, as the real adapters' gate does) and then "sends", answering from the script.
 */
function fakeAdapter(answers: VendorAnswer[], gate: VendorCallGate = SPARE_GATE) {
  const sent: { campaignId: string; selection: ContactSelection; ctx: CallContext }[] = [];
  const adapter: ProviderAdapter = {
    descriptor: { name: 'isales', capabilities: ['contacts.delete'] } as unknown as ProviderDescriptor,
    accountId: 'acct',
    deleteContact: (campaignId, selection, ctx) =>
      gate.run(ctx, async () => {
        sent.push({ campaignId, selection, ctx });
        return nextAnswer(answers);
      }),
    close: async () => undefined,
  };
  return { adapter, sent };
}

const claimed = (attempt = 1) => jest.fn(async (): Promise<SendClaim> => ({ kind: 'claimed', attempt }));

function input(adapter: ProviderAdapter, overrides: Partial<DeleteNumberInput> = {}): DeleteNumberInput {
  return {
    account: accountOf(adapter),
    campaignId: '1001',
    selection: { archive: true },
    phoneNumber: '66660001',
    tenant: 'client-a',
    requestId: 'operation:op-1',
    claim: claimed(),
    signal: new AbortController().signal,
    ...overrides,
  };
}

const deleter = new NumberDeleter({ retryForMs: 60_000 });

describe('NumberDeleter', () => {
  afterEach(() => jest.restoreAllMocks());

  describe('a vendor answer about the number', () => {
    it('sends one bulk call with the selection, the number and a short deadline, and returns the outcome', async () => {
      const { adapter, sent } = fakeAdapter([{ phoneNumber: '66660001', outcome: 'deleted' }]);
      const before = Date.now();
      const result = await deleter.delete(input(adapter));
      expect(result).toEqual({ kind: 'outcome', outcome: { phoneNumber: '66660001', outcome: 'deleted' } });
      expect(sent).toHaveLength(1);
      const [{ campaignId, selection, ctx }] = sent;
      expect(campaignId).toBe('1001');
      expect(selection).toEqual({ archive: true, phoneNumber: '66660001' });
      expect(ctx).toMatchObject({ priority: 'bulk', tenant: 'client-a', requestId: 'operation:op-1' });
      expect(ctx.deadline).toBeGreaterThanOrEqual(before + SHORT_WAIT_MS);
      expect(ctx.deadline).toBeLessThanOrEqual(Date.now() + SHORT_WAIT_MS);
    });

    it.each(['not_found', 'not_deletable'] as const)('keeps %s on a first attempt', async (kind) => {
      const { adapter } = fakeAdapter([{ phoneNumber: '66660001', outcome: kind }]);
      const result = await deleter.delete(input(adapter, { claim: claimed(1) }));
      expect(result).toEqual({ kind: 'outcome', outcome: { phoneNumber: '66660001', outcome: kind } });
    });

    it('counts "not found" as deleted when an earlier attempt may have reached the vendor', async () => {
      const { adapter } = fakeAdapter([{ phoneNumber: '66660001', outcome: 'not_found' }]);
      const result = await deleter.delete(input(adapter, { claim: claimed(2) }));
      expect(result).toEqual({ kind: 'outcome', outcome: { phoneNumber: '66660001', outcome: 'deleted' } });
    });

    it('does not turn "not deletable" into deleted on a later attempt', async () => {
      const { adapter } = fakeAdapter([{ phoneNumber: '66660001', outcome: 'not_deletable' }]);
      const result = await deleter.delete(input(adapter, { claim: claimed(3) }));
      expect(result).toMatchObject({ kind: 'outcome', outcome: { outcome: 'not_deletable' } });
    });
  });

  describe('the claim', () => {
    it.each(['recorded', 'lost'] as const)('refused as %s: nothing is sent', async (kind) => {
      const { adapter, sent } = fakeAdapter([{ outcome: 'deleted' }]);
      const claim = jest.fn(async (): Promise<SendClaim> => ({ kind }));
      const result = await deleter.delete(input(adapter, { claim }));
      expect(result).toEqual({ kind });
      expect(claim).toHaveBeenCalledTimes(1);
      expect(sent).toHaveLength(0);
    });

    it('is asked once per attempt, even when the adapter sends again inside it (a replaced token)', async () => {
      const claim = claimed(1);
      let sends = 0;
      const adapter: ProviderAdapter = {
        ...fakeAdapter([]).adapter,
        deleteContact: async (_campaignId, selection, ctx) => {
          for (let i = 0; i < 2; i++) {
            await ctx.beforeSend?.();
            sends++;
          }
          return { phoneNumber: selection.phoneNumber, outcome: 'deleted' };
        },
      };
      const result = await deleter.delete(input(adapter, { claim }));
      expect(result).toMatchObject({ kind: 'outcome', outcome: { outcome: 'deleted' } });
      expect(sends).toBe(2);
      expect(claim).toHaveBeenCalledTimes(1);
    });
  });

  describe('errors that concern the whole operation', () => {
    it.each<ErrorCode>([
      'campaign_not_found',
      'provider_auth_failed',
      'field_not_supported',
      'operation_not_supported',
      'validation_failed',
      'account_not_found',
    ])('%s fails the operation with the error', async (code) => {
      const error = new GatewayError(code, `vendor said ${code}`, {
        provider: { name: 'isales', code: 'X-1', message: 'raw' },
      });
      const { adapter } = fakeAdapter([error]);
      const result = await deleter.delete(input(adapter));
      expect(result).toEqual({
        kind: 'operation_failed',
        error: {
          code,
          detail: `vendor said ${code}`,
          provider: { name: 'isales', code: 'X-1', message: 'raw' },
        },
      });
    });

    it('store_unavailable is thrown, so the chunk is retried as a whole', async () => {
      const { adapter } = fakeAdapter([new GatewayError('store_unavailable', 'redis down')]);
      await expect(deleter.delete(input(adapter))).rejects.toMatchObject({ code: 'store_unavailable' });
    });

    it('an error that is not a GatewayError is thrown as it is', async () => {
      const bug = new TypeError('a bug');
      const { adapter } = fakeAdapter([bug]);
      await expect(deleter.delete(input(adapter))).rejects.toBe(bug);
    });
  });

  describe('a failure of this number', () => {
    it('that is not transient is its outcome, with the error', async () => {
      const error = new GatewayError('provider_error', 'odd answer', {
        provider: { name: 'isales', code: '0x9' },
      });
      const { adapter } = fakeAdapter([error]);
      const result = await deleter.delete(input(adapter));
      expect(result).toEqual({
        kind: 'outcome',
        outcome: {
          phoneNumber: '66660001',
          outcome: 'failed',
          error: { code: 'provider_error', detail: 'odd answer', provider: { name: 'isales', code: '0x9' } },
        },
      });
    });

    it('whose outcome nobody knows is never retried', async () => {
      const error = new GatewayError('provider_timeout', 'no answer', { outcomeUnknown: true });
      const { adapter } = fakeAdapter([error]);
      const result = await deleter.delete(input(adapter));
      expect(result).toMatchObject({ kind: 'outcome', outcome: { outcome: 'failed' } });
    });
  });

  describe('a transient failure (an outage)', () => {
    const outage = () => new GatewayError('provider_unavailable', 'vendor down');

    it('is retried with backoff: 500 ms, doubling with each retry of the outage', async () => {
      const results = [];
      for (const retries of [undefined, 0, 1, 3]) {
        const { adapter } = fakeAdapter([outage()]);
        const state = retries === undefined ? undefined : { since: Date.now(), retries };
        results.push(await deleter.delete(input(adapter, { outage: state })));
      }
      expect(results).toEqual([
        { kind: 'retry', afterMs: 500, reason: 'outage' },
        { kind: 'retry', afterMs: 500, reason: 'outage' },
        { kind: 'retry', afterMs: 1000, reason: 'outage' },
        { kind: 'retry', afterMs: 4000, reason: 'outage' },
      ]);
    });

    it('backs off at most maxBackoffMs (30 s unless set)', async () => {
      const many = { since: Date.now(), retries: 20 };
      const { adapter } = fakeAdapter([outage(), outage()]);
      expect(await deleter.delete(input(adapter, { outage: many }))).toEqual({
        kind: 'retry',
        afterMs: 30_000,
        reason: 'outage',
      });
      const capped = new NumberDeleter({ retryForMs: 60_000, maxBackoffMs: 2_000 });
      expect(await capped.delete(input(adapter, { outage: many }))).toEqual({
        kind: 'retry',
        afterMs: 2_000,
        reason: 'outage',
      });
    });

    it('gives up once the outage has lasted retryForMs: the number fails with the error', async () => {
      const now = 1_700_000_000_000;
      jest.spyOn(Date, 'now').mockReturnValue(now);
      const { adapter } = fakeAdapter([outage(), outage()]);
      expect(await deleter.delete(input(adapter, { outage: { since: now - 59_999, retries: 7 } }))).toEqual({
        kind: 'retry',
        afterMs: 30_000,
        reason: 'outage',
      });
      expect(await deleter.delete(input(adapter, { outage: { since: now - 60_000, retries: 7 } }))).toEqual({
        kind: 'outcome',
        outcome: {
          phoneNumber: '66660001',
          outcome: 'failed',
          error: { code: 'provider_unavailable', detail: 'vendor down' },
        },
      });
    });

    it('with retryForMs 0 is not retried at all', async () => {
      const { adapter } = fakeAdapter([outage()]);
      const result = await new NumberDeleter({ retryForMs: 0 }).delete(input(adapter));
      expect(result).toMatchObject({ kind: 'outcome', outcome: { outcome: 'failed' } });
    });

    it('includes a vendor rate-limit answer that may have been processed', async () => {
      const { adapter } = fakeAdapter([new GatewayError('provider_rate_limited', 'slow down')]);
      expect(await deleter.delete(input(adapter))).toEqual({ kind: 'retry', afterMs: 500, reason: 'outage' });
    });
  });

  describe('a budget wait', () => {
    const spent = (options: { retryAfterMs?: number; retryAfterSeconds?: number }) =>
      new GatewayError('provider_rate_limited', 'budget spent', { notProcessed: true, ...options });

    it('comes back as retry with the exact wait, preferring milliseconds to seconds', async () => {
      const { adapter } = fakeAdapter([
        spent({ retryAfterMs: 1234, retryAfterSeconds: 2 }),
        spent({ retryAfterSeconds: 2 }),
        spent({}),
      ]);
      expect(await deleter.delete(input(adapter))).toEqual({
        kind: 'retry',
        afterMs: 1234,
        reason: 'budget',
      });
      expect(await deleter.delete(input(adapter))).toEqual({
        kind: 'retry',
        afterMs: 2000,
        reason: 'budget',
      });
      expect(await deleter.delete(input(adapter))).toEqual({
        kind: 'retry',
        afterMs: 1000,
        reason: 'budget',
      });
    });

    it('is not an outage: it does not give up, however long the outage it rides', async () => {
      const { adapter } = fakeAdapter([spent({ retryAfterMs: 700 })]);
      const old = { since: Date.now() - 10 * 60_000, retries: 3 };
      expect(await deleter.delete(input(adapter, { outage: old }))).toEqual({
        kind: 'retry',
        afterMs: 700,
        reason: 'budget',
      });
    });

    it("from the account's real gate: nothing claimed, nothing sent, the limiter's wait returned", async () => {
      const budget = new BudgetGate(new MemoryRateLimiter(), {
        key: 'acct',
        limit: { limit: 1, windowMs: 4_500 },
        marginMs: 0,
      });
      const refusals: GatewayError[] = [];
      const gate: VendorCallGate = {
        run: (ctx, call) =>
          budget.run(ctx, call).catch((error: GatewayError) => {
            refusals.push(error);
            throw error;
          }),
      };
      const { adapter, sent } = fakeAdapter([{ outcome: 'deleted' }, { outcome: 'deleted' }], gate);
      expect(await deleter.delete(input(adapter))).toMatchObject({ kind: 'outcome' });
      const claim = claimed();
      const result = await deleter.delete(input(adapter, { claim }));
      expect(refusals).toHaveLength(1);
      const [refusal] = refusals;
      expect(refusal).toMatchObject({
        code: 'provider_rate_limited',
        notProcessed: true,
        retryAfterSeconds: 5,
      });
      expect(refusal.retryAfterMs).toBeGreaterThan(4_000);
      expect(refusal.retryAfterMs).toBeLessThanOrEqual(4_500);
      // The limiter's wait to the millisecond, not Retry-After's whole seconds.
      expect(result).toEqual({ kind: 'retry', afterMs: refusal.retryAfterMs, reason: 'budget' });
      expect(claim).not.toHaveBeenCalled();
      expect(sent).toHaveLength(1);
    });
  });

  describe('an abort', () => {
    it('before the call: stopped, nothing claimed or sent', async () => {
      const { adapter, sent } = fakeAdapter([{ outcome: 'deleted' }]);
      const stop = new AbortController();
      stop.abort();
      const claim = claimed();
      expect(await deleter.delete(input(adapter, { signal: stop.signal, claim }))).toEqual({
        kind: 'stopped',
      });
      expect(claim).not.toHaveBeenCalled();
      expect(sent).toHaveLength(0);
    });

    it('during the call: stopped, whatever the adapter threw', async () => {
      const abortError = Object.assign(new Error('aborted'), { name: 'AbortError' });
      const { adapter } = fakeAdapter([abortError]);
      expect(await deleter.delete(input(adapter))).toEqual({ kind: 'stopped' });

      const stop = new AbortController();
      const aborting: ProviderAdapter = {
        ...adapter,
        deleteContact: async () => {
          stop.abort();
          throw new GatewayError('provider_timeout', 'cut short');
        },
      };
      expect(await deleter.delete(input(aborting, { signal: stop.signal }))).toEqual({ kind: 'stopped' });
    });

    it('while waiting for budget on the real gate: stopped', async () => {
      const gate = new BudgetGate(new MemoryRateLimiter(), {
        key: 'acct',
        limit: { limit: 1, windowMs: 200 },
        marginMs: 0,
      });
      const { adapter, sent } = fakeAdapter([{ outcome: 'deleted' }, { outcome: 'deleted' }], gate);
      await deleter.delete(input(adapter));
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 20);
      expect(await deleter.delete(input(adapter, { signal: stop.signal }))).toEqual({ kind: 'stopped' });
      expect(sent).toHaveLength(1);
    });
  });
});
