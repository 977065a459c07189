import { IsalesCode, IsalesRejection } from './result-codes';

/** Body of an iSales request: a JSON object, or an empty one when nothing was sent. */
export type IsalesBody = Record<string, unknown>;

/** Digits, `*` and `#`, 1 to 24 characters, as the pages describe called numbers. */
export const CALLED_NUMBER = /^[0-9*#]{1,24}$/;

/**
 * A text field as a Java back end would bind it: numbers are accepted as their text (Jackson coerces
 * them), missing, null and "" all count as absent, and objects, arrays or booleans are a type error.
 */
export function readTextField(body: IsalesBody, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new IsalesRejection(IsalesCode.wrongType, `${key} must be a string`);
}

export function requireTextField(body: IsalesBody, key: string): string {
  const value = readTextField(body, key);
  if (value === undefined) throw new IsalesRejection(IsalesCode.emptyParameter, `${key} is required`);
  return value;
}

export function checkMaxLength(key: string, value: string | undefined, max: number): void {
  if (value !== undefined && value.length > max) {
    throw new IsalesRejection(IsalesCode.tooLong, `${key} exceeds ${max} characters`);
  }
}

/** `archiveHistory` 0 or 1 (as a number or its text); absent means 0. */
export function readArchiveHistory(body: IsalesBody): 0 | 1 {
  const value = body.archiveHistory;
  if (value === undefined || value === null) return 0;
  if (value === 0 || value === '0') return 0;
  if (value === 1 || value === '1') return 1;
  throw new IsalesRejection(IsalesCode.wrongValue, 'archiveHistory must be 0 or 1');
}

/** An integer field that may come as a number or as numeric text; undefined when absent. */
export function readIntegerField(body: IsalesBody, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new IsalesRejection(IsalesCode.wrongType, `${key} must be an integer`);
  }
  return number;
}
