import { isRecord } from '../shared/shape';
import { headerText, VendorCall } from '../shared/vendor-call';

export type OzonetelBody = Record<string, unknown>;

/**
 * The JSON object a call carries, or undefined when it is not one ("Invalid Json Pass Valid Json").
 * GET campaignStatus may also pass its fields as query parameters, since many clients cannot send a
 * body with GET.
 */
export function readOzonetelBody(call: VendorCall): OzonetelBody | undefined {
  if (call.body.kind === 'empty') return call.method === 'GET' ? { ...call.query } : undefined;
  if (call.body.kind === 'invalid' || !isRecord(call.body.value)) return undefined;
  return call.method === 'GET' ? { ...call.query, ...call.body.value } : call.body.value;
}

/** A non-empty text field (trimmed); numbers count as their text. */
export function textField(body: OzonetelBody, key: string): string | undefined {
  const value = body[key];
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;
}

/** The userName a call claims, for the call log and the rate limiter. */
export function claimedUserName(call: VendorCall): string | undefined {
  const body = readOzonetelBody(call);
  return body === undefined ? undefined : textField(body, 'userName');
}

export function apiKeyHeader(call: VendorCall): string | undefined {
  const value = headerText(call.headers, 'apikey')?.trim();
  return value === '' ? undefined : value;
}

export function bearerToken(call: VendorCall): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headerText(call.headers, 'authorization') ?? '');
  return match?.[1];
}
