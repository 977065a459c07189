import { CallContext, ContactError, ContactOutcome, ContactSelection, GatewayError } from '@app/core';
import { SendClaim } from '@app/store';
import { Account } from '../accounts/account-registry';
import { requireOperation } from '../http/require-operation';
import { UntilSent } from './until-sent';
import { afterVendorFailure, isAbort, OutageState, RetryPolicy } from './vendor-failure';

/**
 * The longest a chunk waits on its worker, for budget or a backoff: anything longer moves the chunk out
 * of the way (delayed) so the worker takes other accounts' work meanwhile.
 */
export const SHORT_WAIT_MS = 250;

export type DeleteAttempt =
  | { kind: 'outcome'; outcome: ContactOutcome }
  | { kind: 'operation_failed'; error: ContactError }
  /** Not sent (budget) or failed for an outage: try again after `afterMs`. */
  | { kind: 'retry'; afterMs: number; reason: 'budget' | 'outage' }
  /** Not sent: the number has an outcome already. */
  | { kind: 'recorded' }
  /** Not sent: another worker holds the chunk now. */
  | { kind: 'lost' }
  | { kind: 'stopped' };

export interface DeleteNumberInput {
  account: Account;
  campaignId: string;
  selection: ContactSelection;
  phoneNumber: string;
  /** Whose turn on the account's bulk budget this is (the operation's client). */
  tenant: string;
  /** For the vendor exchange logs. */
  requestId: string;
  /** Asked once the budget granted the call, just before it is sent. */
  claim: () => Promise<SendClaim>;
  /** The chunk's ongoing outage, if any. */
  outage?: OutageState;
  signal: AbortSignal;
}

/** The claim refused the send (or the chunk stopped first): nothing goes to the vendor. */
export class NotSent extends Error {
  constructor(readonly reason: 'recorded' | 'lost' | 'stopped') {
    super(`not sent: ${reason}`);
  }
}

/**
 * One attempt to delete one number of a bulk operation, with the failure policy: number-specific
 * refusals are outcomes, operation-wide ones stop the operation, and budget waits and outages come back
 * as "retry after" so the chunk decides whether to wait on its worker or step aside. Outages are
 * retried for up to `retryForMs` (a delete is safe to send again). A "not found" after an earlier
 * attempt that may have reached the vendor means that attempt deleted it, so it counts as deleted.
 */
export class NumberDeleter {
  constructor(private readonly options: RetryPolicy) {}

  async delete(input: DeleteNumberInput): Promise<DeleteAttempt> {
    if (input.signal.aborted) return { kind: 'stopped' };
    const deleteContact = requireOperation(input.account.adapter, 'deleteContact');
    let claimed: SendClaim | undefined;
    const untilSent = new UntilSent(input.signal);
    const ctx: CallContext = {
      requestId: input.requestId,
      // A wait longer than a short moment comes back as provider_rate_limited with the exact wait.
      deadline: Date.now() + SHORT_WAIT_MS,
      priority: 'bulk',
      tenant: input.tenant,
      clientId: input.tenant,
      signal: untilSent.signal,
      beforeSend: async () => {
        // Once per attempt: a re-send inside the same attempt (a replaced token) is the same claim.
        if (claimed) return;
        if (input.signal.aborted) throw new NotSent('stopped');
        claimed = await input.claim();
        if (claimed.kind !== 'claimed') throw new NotSent(claimed.kind);
        untilSent.sent();
      },
    };
    try {
      const outcome = await deleteContact(
        input.campaignId,
        { ...input.selection, phoneNumber: input.phoneNumber },
        ctx,
      );
      const triedBefore = claimed?.kind === 'claimed' && claimed.attempt > 1;
      if (outcome.outcome === 'not_found' && triedBefore)
        return { kind: 'outcome', outcome: { ...outcome, outcome: 'deleted' } };
      return { kind: 'outcome', outcome };
    } catch (error) {
      if (error instanceof NotSent) return { kind: error.reason };
      if (input.signal.aborted || isAbort(error)) return { kind: 'stopped' };
      if (!(error instanceof GatewayError)) throw error;
      return this.afterFailure(error, input);
    } finally {
      untilSent.sent();
    }
  }

  private afterFailure(error: GatewayError, input: DeleteNumberInput): DeleteAttempt {
    const next = afterVendorFailure(error, input.outage, this.options);
    if (next.kind !== 'give_up') return next;
    return {
      kind: 'outcome',
      outcome: { phoneNumber: input.phoneNumber, outcome: 'failed', error: next.error },
    };
  }
}
