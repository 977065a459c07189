import { ContactOutcomeKind, GatewayError } from '@app/core';
import { NewOperation, OperationProgress, OperationRecord, OperationStatus } from '../ports/operation-store';

/** The progress counter each outcome kind moves, besides `processed`. */
export const OUTCOME_COUNTER: Readonly<
  Record<ContactOutcomeKind, Exclude<keyof OperationProgress, 'total' | 'processed'>>
> = {
  deleted: 'deleted',
  not_found: 'notFound',
  not_deletable: 'notDeletable',
  failed: 'failed',
};

/**
 * Whether `from` may move to `to`: only a queued operation starts running, and only a queued or
 * running one stops; a terminal operation never changes again (a late cancel must not undo a
 * completion, a late failure must not hide a cancel).
 */
export function mayTransition(from: OperationStatus, to: 'running' | 'cancelled' | 'failed'): boolean {
  if (to === 'running') return from === 'queued';
  return from === 'queued' || from === 'running';
}

/** Oldest first (RFC 3339 UTC text sorts as time), then by id, so lists come out the same each time. */
export function byCreation(a: OperationRecord, b: OperationRecord): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

export function chunkCountOf(total: number, chunkSize: number): number {
  return Math.ceil(total / chunkSize);
}

/**
 * Refuses arguments no caller should send (they are programming errors, not client input, so a plain
 * error): a chunk size that is not a positive whole number, or a retention that keeps nothing.
 */
export function checkNewOperation(operation: NewOperation, retentionMs: number): void {
  if (!Number.isSafeInteger(operation.chunkSize) || operation.chunkSize < 1) {
    throw new RangeError(`chunkSize must be a whole number ≥ 1, got ${operation.chunkSize}`);
  }
  if (!(retentionMs > 0)) throw new RangeError(`retentionMs must be > 0, got ${retentionMs}`);
}

/** An index must name a number of the operation: a whole number in 0..total-1. */
export function checkIndex(index: number, total?: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || (total !== undefined && index >= total)) {
    const range = total === undefined ? '≥ 0' : `in 0..${total - 1}`;
    throw new RangeError(`index must be a whole number ${range}, got ${index}`);
  }
}

export function operationExists(id: string): Error {
  return new Error(`Operation ${id} already exists; operation ids must be unique`);
}

/** A worker writing to an operation that is gone (expired, or never created). */
export function operationNotFound(id: string): GatewayError {
  return new GatewayError('operation_not_found', `Operation ${id} does not exist or has expired`);
}

/** The client already has as many queued and running operations as it may. */
export function clientQuotaExceeded(clientId: string, active: number, max: number): GatewayError {
  return new GatewayError(
    'operation_quota_exceeded',
    `Client "${clientId}" has ${active} active operations, the most it may have ` +
      `(settings.maxActiveOperationsPerClient = ${max}); start more once some have ended`,
  );
}

/** The account's queued numbers would pass their limit with this operation's. */
export function accountQuotaExceeded(
  accountId: string,
  queued: number,
  adding: number,
  max: number,
): GatewayError {
  return new GatewayError(
    'operation_quota_exceeded',
    `Account "${accountId}" has ${queued} numbers queued; ${adding} more would pass the limit of ${max} ` +
      `(settings.maxQueuedNumbersPerAccount); send fewer, or again once the queue has shrunk`,
  );
}
