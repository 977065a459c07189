import { ContactError } from '@app/core';
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
  return record;
}

/** The outcome as stored in the outcomes hash: the port's fields but the index, which is the field. */
export function outcomeJson(outcome: NumberOutcome): string {
  const { phoneNumber, outcome: kind, error } = outcome;
  return JSON.stringify(error ? { phoneNumber, outcome: kind, error } : { phoneNumber, outcome: kind });
}

export function outcomeFromJson(index: number, json: string): NumberOutcome {
  return { index, ...(JSON.parse(json) as Omit<NumberOutcome, 'index'>) };
}
