import { setTimeout as sleep } from 'node:timers/promises';
import {
  CallContext,
  ContactError,
  ContactOutcome,
  ContactSelection,
  ErrorCode,
  GatewayError,
} from '@app/core';
import { Account } from '../accounts/account-registry';
import { requireOperation } from '../http/require-operation';

/**
 * Failures that apply to every number of the operation, not to one: the operation stops as `failed`
 * with the error instead of recording it thousands of times.
 */
const OPERATION_WIDE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'campaign_not_found',
  'provider_auth_failed',
  'field_not_supported',
  'operation_not_supported',
  'validation_failed',
  'account_not_found',
]);

export type DeleteAttempt =
  | { kind: 'outcome'; outcome: ContactOutcome }
  | { kind: 'operation_failed'; error: ContactError }
  | { kind: 'stopped' };

export interface DeleteNumberInput {
  account: Account;
  campaignId: string;
  selection: ContactSelection;
  phoneNumber: string;
  /** True when an earlier attempt (before a crash) may have reached the vendor. */
  triedBefore: boolean;
  signal: AbortSignal;
}

export function contactError(error: GatewayError): ContactError {
  return { code: error.code, detail: error.detail, ...(error.provider ? { provider: error.provider } : {}) };
}

/**
 * Deletes one number of a bulk operation with its failure policy: number-specific refusals are
 * outcomes, operation-wide ones stop the operation, and outages are retried with backoff for up to
 * `retryForMs` (a delete is safe to send again). A "not found" after an attempt that may have reached
 * the vendor means that attempt deleted it, so it counts as deleted.
 */
export class NumberDeleter {
  constructor(
    private readonly options: { retryForMs: number; maxBackoffMs?: number; budgetWaitMs?: number },
  ) {}

  async delete(input: DeleteNumberInput): Promise<DeleteAttempt> {
    const deleteContact = requireOperation(input.account.adapter, 'deleteContact');
    const giveUpAt = Date.now() + this.options.retryForMs;
    let mayHaveReached = input.triedBefore;
    for (let retry = 0; ; retry++) {
      if (input.signal.aborted) return { kind: 'stopped' };
      try {
        const outcome = await deleteContact(
          input.campaignId,
          { ...input.selection, phoneNumber: input.phoneNumber },
          this.context(input.signal),
        );
        if (outcome.outcome === 'not_found' && mayHaveReached)
          return { kind: 'outcome', outcome: { ...outcome, outcome: 'deleted' } };
        return { kind: 'outcome', outcome };
      } catch (error) {
        if (input.signal.aborted || isAbort(error)) return { kind: 'stopped' };
        if (!(error instanceof GatewayError)) throw error;
        if (OPERATION_WIDE.has(error.code)) return { kind: 'operation_failed', error: contactError(error) };
        if (error.code === 'store_unavailable') throw error; // the worker's job fails and is retried as a whole
        if (!error.transient || Date.now() >= giveUpAt) {
          return {
            kind: 'outcome',
            outcome: { phoneNumber: input.phoneNumber, outcome: 'failed', error: contactError(error) },
          };
        }
        mayHaveReached ||= !error.notProcessed;
        const backoff = Math.min(this.options.maxBackoffMs ?? 30_000, 500 * 2 ** retry);
        const stopped = await sleep(backoff, false, { signal: input.signal }).catch(() => true);
        if (stopped) return { kind: 'stopped' };
      }
    }
  }

  private context(signal: AbortSignal): CallContext {
    // Bulk work waits as long as the budget needs; the gate still never exceeds it.
    return {
      requestId: 'operation',
      deadline: Date.now() + (this.options.budgetWaitMs ?? 3_600_000),
      priority: 'bulk',
      signal,
    };
  }
}

function isAbort(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR')
  );
}
