import { ContactError, ErrorCode, GatewayError } from '@app/core';
import { toContactError } from '@app/providers/kit';

/**
 * Failures that apply to every number of the operation, not to one: the operation stops as `failed`
 * with the error instead of recording it thousands of times.
 */
export const OPERATION_WIDE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'campaign_not_found',
  'provider_auth_failed',
  'field_not_supported',
  'operation_not_supported',
  'validation_failed',
  'account_not_found',
]);

/** A vendor outage seen by a chunk: since when it lasts, and how many retries it cost so far. */
export interface OutageState {
  since: number;
  retries: number;
}

export interface RetryPolicy {
  /** How long an outage is retried before its numbers are given up on (a delete is safe to resend). */
  retryForMs: number;
  maxBackoffMs?: number;
}

/** What a bulk delete does after a vendor call failed; each deleter says what giving up means for it. */
export type AfterFailure =
  | { kind: 'operation_failed'; error: ContactError }
  /** Not sent (budget) or failed for an outage: try again after `afterMs`. */
  | { kind: 'retry'; afterMs: number; reason: 'budget' | 'outage' }
  | { kind: 'give_up'; error: ContactError };

/**
 * The one failure policy of the bulk deleters: operation-wide refusals stop the operation, the vendor
 * over its limit (nothing processed) waits for its Retry-After, outages back off exponentially for up
 * to `retryForMs`, anything else is given up. A store outage is thrown: the chunk fails and is
 * retried as a whole.
 */
export function afterVendorFailure(
  error: GatewayError,
  outage: OutageState | undefined,
  policy: RetryPolicy,
): AfterFailure {
  if (OPERATION_WIDE.has(error.code)) return { kind: 'operation_failed', error: toContactError(error) };
  if (error.code === 'store_unavailable') throw error;
  if (error.code === 'provider_rate_limited' && error.notProcessed) {
    const afterMs = error.retryAfterMs ?? (error.retryAfterSeconds ?? 1) * 1000;
    return { kind: 'retry', afterMs, reason: 'budget' };
  }
  if (!error.transient) return { kind: 'give_up', error: toContactError(error) };
  const givenUp = outage ? Date.now() - outage.since >= policy.retryForMs : policy.retryForMs === 0;
  if (givenUp) return { kind: 'give_up', error: toContactError(error) };
  const afterMs = Math.min(policy.maxBackoffMs ?? 30_000, 500 * 2 ** (outage?.retries ?? 0));
  return { kind: 'retry', afterMs, reason: 'outage' };
}

/** Whether a call ended because the chunk's signal aborted it (axios and node name it differently). */
export function isAbort(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR')
  );
}

/** The outage after one more failed retry: it started at its first failure. */
export function oneMoreRetry(outage: OutageState | undefined): OutageState {
  return { since: outage?.since ?? Date.now(), retries: (outage?.retries ?? 0) + 1 };
}
