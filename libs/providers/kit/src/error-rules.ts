import { ErrorCode } from '@app/core';

/** What a rule concludes about a failed vendor call: the neutral error and what may be done next. */
export interface VendorErrorResult {
  code: ErrorCode;
  /** True when the same call may succeed later; becomes GatewayError.transient. */
  retryable: boolean;
  /** The vendor certainly did nothing, so the gate may send the same request again. */
  notProcessed?: boolean;
  /** The vendor may have done the (non-idempotent) work anyway; becomes GatewayError.outcomeUnknown. */
  outcomeUnknown?: boolean;
  /** Neutral sentence for the caller; never quotes the vendor or a secret. `{name}` placeholders allowed. */
  detail: string;
}

/**
 * One row of a vendor's error table: every condition given must hold, and the first row that matches
 * wins, so a table is read top to bottom. HTTP statuses are conditions like any other, so a vendor's
 * "401 means bad credentials" is a row, not code.
 *
 * Messages are compared normalised (trimmed, whitespace folded, lower case, trailing periods dropped).
 */
export interface VendorErrorRule<Call extends string = string, Result = VendorErrorResult> {
  /** The calls (adapter operations) the row applies to; every call when absent. */
  calls?: readonly Call[];
  /** Inclusive range of HTTP statuses. */
  httpStatus?: readonly [number, number];
  /** The vendor's result code, compared exactly (leading zeros count). */
  vendorCode?: string;
  /** The vendor's message, compared normalised. */
  message?: string;
  /**
   * For answers whose wording is not published: the normalised message must contain each of these
   * (plain substring search, linear on any input).
   */
  messageContains?: readonly string[];
  result: Result;
}

/** What is known about one failed answer, to match against a table. */
export interface VendorFailureFacts<Call extends string = string> {
  call?: Call;
  httpStatus?: number;
  vendorCode?: string;
  message?: string;
}

export function normalizeVendorMessage(message: string): string {
  // Trailing periods by an index scan: /\.+$/ is quadratic on a long run of periods not at the end.
  let text = message.trim();
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2e) end--;
  text = text.slice(0, end);
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The first row of `table` whose every condition holds for `facts`, or undefined. */
export function findVendorErrorRule<Call extends string, Result>(
  table: readonly VendorErrorRule<Call, Result>[],
  facts: VendorFailureFacts<Call>,
): VendorErrorRule<Call, Result> | undefined {
  const normalized = facts.message === undefined ? undefined : normalizeVendorMessage(facts.message);
  const { call, httpStatus, vendorCode } = facts;
  return table.find(
    (rule) =>
      (rule.calls === undefined || (call !== undefined && rule.calls.includes(call))) &&
      (rule.httpStatus === undefined ||
        (httpStatus !== undefined && httpStatus >= rule.httpStatus[0] && httpStatus <= rule.httpStatus[1])) &&
      (rule.vendorCode === undefined || rule.vendorCode === vendorCode) &&
      (rule.message === undefined || normalizeVendorMessage(rule.message) === normalized) &&
      (rule.messageContains === undefined ||
        (normalized !== undefined && rule.messageContains.every((part) => normalized.includes(part)))),
  );
}

/** Fills a detail's `{name}` placeholders; a name without a value shows as `?`. */
export function renderDetail(template: string, values: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => values[key] ?? '?');
}
