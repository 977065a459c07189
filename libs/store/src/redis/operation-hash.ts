import { ContactError, ContactOutcomeKind } from '@app/core';
import { NumberOutcome, OperationRecord, OperationStatus } from '../ports/operation-store';

/*
 * How an operation and its outcomes are written in Redis (the layout is described with the scripts in
 * scripts/operation.scripts.ts), and read back.
 */

const STATUSES: readonly OperationStatus[] = ['queued', 'running', 'completed', 'cancelled', 'failed'];

/** A hash as a script returns it (HGETALL: field, value, field, value, ...), as an object. */
export function hashFromReply(reply: unknown): Record<string, string> {
  const flat = Array.isArray(reply) ? (reply as unknown[]) : [];
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[String(flat[i])] = String(flat[i + 1]);
  return hash;
}

/**
 * The record a hash holds, or undefined for an empty hash (no such key). A hash missing a field is
 * corrupt, not absent: reported loudly rather than shown as a half-empty operation.
 */
export function recordFromHash(hash: Record<string, string>): OperationRecord | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const text = (field: string): string => {
    const value = hash[field];
    if (value === undefined) throw new Error(`Operation hash ${hash.id ?? '?'} has no field ${field}`);
    return value;
  };
  const count = (field: string): number => {
    const value = Number(text(field));
    if (!Number.isSafeInteger(value)) throw new Error(`Operation hash ${hash.id} has a bad ${field}`);
    return value;
  };
  const status = text('status') as OperationStatus;
  if (!STATUSES.includes(status)) throw new Error(`Operation hash ${hash.id} has status ${status}`);
  const record: OperationRecord = {
    id: text('id'),
    // Operations created before clients were recorded have none; they count toward no client's quota.
    clientId: hash.clientId ?? '',
    accountId: text('accountId'),
    campaignId: text('campaignId'),
    selection: JSON.parse(text('selection')) as Record<string, unknown>,
    chunkSize: count('chunkSize'),
    type: 'contacts.delete',
    status,
    progress: {
      total: count('total'),
      processed: count('processed'),
      deleted: count('deleted'),
      notFound: count('notFound'),
      notDeletable: count('notDeletable'),
      failed: count('failed'),
    },
    chunkCount: count('chunkCount'),
    createdAt: text('createdAt'),
    updatedAt: text('updatedAt'),
  };
  if (hash.error !== undefined) record.error = JSON.parse(hash.error) as ContactError;
  if (hash.traceparent) record.traceparent = hash.traceparent;
  return record;
}

/**
 * The byte each outcome kind is kept as in the `kinds` string (0 is "no outcome yet"). The byte is the
 * upper-case letter instead when the outcome also has an entry in the `details` hash.
 */
export const OUTCOME_CODE: Readonly<Record<ContactOutcomeKind, string>> = {
  deleted: 'd',
  not_found: 'n',
  not_deletable: 'u',
  failed: 'f',
};

/** A number deleted in a batch the vendor confirmed as a whole: `deleted` with `via: 'batch'`. */
export const BATCH_DELETED_CODE = 'b';

/** The code an outcome is written with. */
export function outcomeCode(outcome: NumberOutcome): string {
  return outcome.outcome === 'deleted' && outcome.via === 'batch'
    ? BATCH_DELETED_CODE
    : OUTCOME_CODE[outcome.outcome];
}

/** Every code a kind is written with, for the results filter. */
export function codesOfKind(kind: ContactOutcomeKind): string {
  return kind === 'deleted' ? OUTCOME_CODE.deleted + BATCH_DELETED_CODE : OUTCOME_CODE[kind];
}

const KIND_OF_CODE: ReadonlyMap<string, ContactOutcomeKind> = new Map([
  ...(Object.entries(OUTCOME_CODE) as [ContactOutcomeKind, string][]).map(
    ([kind, code]) => [code, kind] as const,
  ),
  [BATCH_DELETED_CODE, 'deleted'],
]);

/** What an outcome keeps beside its code and its number's place in the list, as JSON. */
interface OutcomeDetails {
  phoneNumber?: string;
  error?: ContactError;
}

/**
 * The details entry of an outcome, for both cases the record script tells apart: the number as
 * listed (only an error to keep, or nothing: `''`), and a number other than the listed one.
 */
export function outcomeDetails(outcome: NumberOutcome): { listed: string; other: string } {
  const { phoneNumber, error } = outcome;
  return {
    listed: error ? JSON.stringify({ error } satisfies OutcomeDetails) : '',
    other: JSON.stringify((error ? { phoneNumber, error } : { phoneNumber }) satisfies OutcomeDetails),
  };
}

/**
 * An outcome as the results script returns it: its code, the number listed at its index and its
 * details entry (`''` without one). Unknown codes are corruption, reported loudly.
 */
export function outcomeFromParts(
  index: number,
  code: string,
  listedNumber: string,
  detailsJson: string,
): NumberOutcome {
  const lower = code.toLowerCase();
  const outcome = KIND_OF_CODE.get(lower);
  if (!outcome) throw new Error(`Outcome of index ${index} has the unknown code ${JSON.stringify(code)}`);
  const details = detailsJson === '' ? {} : (JSON.parse(detailsJson) as OutcomeDetails);
  const item: NumberOutcome = { index, phoneNumber: details.phoneNumber ?? listedNumber, outcome };
  if (details.error) item.error = details.error;
  if (lower === BATCH_DELETED_CODE) item.via = 'batch';
  return item;
}
