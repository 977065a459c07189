import { ContactError, GatewayError } from '@app/core';
import { ISALES_PROVIDER_NAME } from './descriptor';
import { findIsalesErrorRow, ISALES_UNKNOWN_CODE_ROW, IsalesOperation, IsalesSubject } from './error-table';

/** Scrubs text that came from the vendor before it goes into an error. */
export type Redact = (text: string) => string;

const MAX_MESSAGE_LENGTH = 300;
// An Authorization value has no whitespace; quotes and commas end it when a vendor quotes it.
const AUTHORIZATION_VALUE = /auth-v2\/[^\s"',]*/g;

/**
 * Vendors echo requests in their error text often enough that a description could carry our access
 * key or Authorization header back. auth-v2 values carry no expiry, so an echoed one could even be
 * replayed: nothing of that kind may reach an error body or a log.
 */
export function makeRedactor(secrets: readonly string[]): Redact {
  const ordered = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(AUTHORIZATION_VALUE, 'auth-v2/[redacted]');
    for (const secret of ordered) out = out.split(secret).join('[redacted]');
    return out;
  };
}

/** The vendor's description, if it gave a usable one, redacted and bounded. */
export function vendorMessage(raw: unknown, redact: Redact): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = redact(raw.trim());
  if (text.length === 0) return undefined;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

export function renderDetail(template: string, subject: IsalesSubject): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => subject[key as keyof IsalesSubject] ?? '?');
}

/** The GatewayError for a well-formed iSales failure answer (a non-success result code). */
export function isalesVendorError(
  operation: IsalesOperation,
  vendorCode: string,
  message: string | undefined,
  subject: IsalesSubject,
): GatewayError {
  const found = findIsalesErrorRow(operation, vendorCode) ?? ISALES_UNKNOWN_CODE_ROW;
  return new GatewayError(found.code, renderDetail(found.detail, subject), {
    provider: { name: ISALES_PROVIDER_NAME, code: vendorCode, ...(message ? { message } : {}) },
    transient: found.retryable,
    outcomeUnknown: found.outcomeUnknown ?? false,
  });
}

/** The same facts in the per-number shape of a contacts delete result. */
export function toContactError(error: GatewayError): ContactError {
  return { code: error.code, detail: error.detail, ...(error.provider ? { provider: error.provider } : {}) };
}
