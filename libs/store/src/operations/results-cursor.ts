import { GatewayError } from '@app/core';

/*
 * A results cursor is the index the next page starts at, as base64url text: opaque to clients, so the
 * paging scheme may change, and the same in both stores, so a cursor survives a switch of replica.
 */

const WHOLE_NUMBER = /^(0|[1-9][0-9]*)$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(nextIndex: number): string {
  return Buffer.from(String(nextIndex), 'utf8').toString('base64url');
}

/** The index a cursor starts at (0 without one); a cursor this store did not write is a 400. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  // Node's decoder skips characters it does not know, so check the alphabet and the round trip too.
  const text = BASE64URL.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const index = WHOLE_NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(index) || encodeCursor(index) !== cursor) {
    throw invalid('cursor', 'is not a cursor from a previous page of these results');
  }
  return index;
}

/** Results come `limit` at a time; the HTTP layer caps it, the store needs a positive whole number. */
export function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw invalid('limit', 'must be a whole number ≥ 1');
}

function invalid(field: string, message: string): GatewayError {
  return new GatewayError('validation_failed', `Invalid ${field}: ${message}`, {
    errors: [{ field, message }],
  });
}
