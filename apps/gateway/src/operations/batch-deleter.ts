import { CallContext, ContactError, GatewayError } from '@app/core';
import { BatchClaim } from '@app/store';
import { Account } from '../accounts/account-registry';
import { NotSent, SHORT_WAIT_MS } from './number-deleter';
import { UntilSent } from './until-sent';
import { afterVendorFailure, isAbort, OutageState, RetryPolicy } from './vendor-failure';

export type BatchAttempt =
  /** The vendor took the batch: these numbers (the ones claimed) are deleted. */
  | { kind: 'deleted'; indexes: number[] }
  | { kind: 'operation_failed'; error: ContactError }
  /** Not sent (budget, or another batch of the account in flight) or failed for an outage: after `afterMs`. */
  | { kind: 'retry'; afterMs: number; reason: 'budget' | 'outage' }
  /** The vendor's answer says nothing the gateway can rely on: send these numbers one by one instead. */
  | { kind: 'back_to_singles'; error: ContactError }
  /** Not sent: every number has an outcome already. */
  | { kind: 'recorded' }
  /** Not sent: another worker holds the chunk now. */
  | { kind: 'lost' }
  | { kind: 'stopped' };

export interface DeleteBatchInput {
  account: Account;
  campaignId: string;
  numbers: { index: number; phoneNumber: string }[];
  tenant: string;
  requestId: string;
  /** Claims every number of the batch in one step, once the budget granted the call. */
  claim: (indexes: number[]) => Promise<BatchClaim>;
  /** The batch path's ongoing outage, if any. */
  outage?: OutageState;
  signal: AbortSignal;
}

/**
 * One attempt to delete a batch of an operation's numbers in one vendor call (on the account's batch
 * budget, one batch in flight per account), with the failure policy: the vendor over its limit → wait
 * (the gate paused the batch budget); operation-wide refusals stop the operation; outages are retried
 * with backoff for up to `retryForMs`, then the numbers go back to the one-by-one path, as they do at
 * once for any answer the gateway does not understand. The numbers are claimed (attempt counted) just
 * before the call is sent, so a crash after that leaves them to be sent again, by either path.
 */
export class BatchDeleter {
  constructor(private readonly options: RetryPolicy) {}

  async delete(input: DeleteBatchInput): Promise<BatchAttempt> {
    if (input.signal.aborted) return { kind: 'stopped' };
    const deleteBatch = input.account.adapter.deleteContactsBatch?.bind(input.account.adapter);
    if (!deleteBatch) {
      return {
        kind: 'back_to_singles',
        error: { code: 'operation_not_supported', detail: 'The provider has no batch delete' },
      };
    }
    let claimed: number[] | undefined;
    const untilSent = new UntilSent(input.signal);
    const ctx: CallContext = {
      requestId: input.requestId,
      deadline: Date.now() + SHORT_WAIT_MS,
      priority: 'bulk',
      tenant: input.tenant,
      signal: untilSent.signal,
      beforeSend: async () => {
        if (claimed) return;
        if (input.signal.aborted) throw new NotSent('stopped');
        const claim = await input.claim(input.numbers.map((n) => n.index));
        if (claim.kind === 'lost') throw new NotSent('lost');
        claimed = claim.claimed.map((c) => c.index);
        if (claimed.length === 0) throw new NotSent('recorded');
        untilSent.sent();
      },
    };
    try {
      const result = await deleteBatch(
        input.campaignId,
        input.numbers.map((n) => n.phoneNumber),
        ctx,
      );
      if (result.kind === 'deleted') return { kind: 'deleted', indexes: claimed ?? [] };
      return { kind: 'back_to_singles', error: result.error };
    } catch (error) {
      if (error instanceof NotSent) return { kind: error.reason };
      if (input.signal.aborted || isAbort(error)) return { kind: 'stopped' };
      if (!(error instanceof GatewayError)) throw error;
      return this.afterFailure(error, input);
    } finally {
      untilSent.sent();
    }
  }

  private afterFailure(error: GatewayError, input: DeleteBatchInput): BatchAttempt {
    const next = afterVendorFailure(error, input.outage, this.options);
    return next.kind === 'give_up' ? { kind: 'back_to_singles', error: next.error } : next;
  }
}
