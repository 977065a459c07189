import { GatewayError, GatewayErrorOptions } from '@app/core';
import { VendorResponse } from '@app/http-client';
import { parseRetryAfter, Redact, renderDetail } from '@app/providers/kit';
import { ISALES_PROVIDER_NAME } from './descriptor';
import { findIsalesHttpRow, vendorMessage } from './errors';
import { ISALES_SUCCESS_CODE, IsalesEnvelope } from './dto';

/** Larger answers are not parsed: every documented envelope is a few hundred bytes. */
export const MAX_ISALES_ANSWER_BYTES = 64 * 1024;

/** A readable iSales answer: success, or a business failure with its (string) result code. */
export interface IsalesAnswer {
  ok: boolean;
  code: string;
  message?: string;
  body: IsalesEnvelope;
}

function parseObject(text: string): IsalesEnvelope | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as IsalesEnvelope)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `resultCode`, or `returnCode` (which repeats it) when a deployment leaves resultCode out. */
function resultCode(body: IsalesEnvelope | undefined): string | undefined {
  if (!body) return undefined;
  // A number would already have lost its leading zeros, so only strings count as codes.
  if (body.resultCode !== undefined && body.resultCode !== null) {
    return typeof body.resultCode === 'string' && body.resultCode.length > 0 ? body.resultCode : undefined;
  }
  return typeof body.returnCode === 'string' && body.returnCode.length > 0 ? body.returnCode : undefined;
}

function describeBody(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return 'an empty body';
  if (trimmed.startsWith('<')) return 'an HTML page';
  return 'a body that is not a JSON object';
}

/**
 * Reads one answer. HTTP-level trouble and unreadable bodies are thrown as neutral GatewayErrors;
 * a well-formed answer comes back for the caller to judge by its result code.
 */
export function parseIsalesAnswer(res: VendorResponse, redact: Redact): IsalesAnswer {
  const bytes = Buffer.byteLength(res.text, 'utf8');
  if (bytes > MAX_ISALES_ANSWER_BYTES) {
    throw new GatewayError(
      'provider_error',
      `The provider answered HTTP ${res.status} with ${bytes} bytes, more than the ${MAX_ISALES_ANSWER_BYTES} the gateway reads`,
      {
        provider: { name: ISALES_PROVIDER_NAME, code: `HTTP ${res.status}` },
      },
    );
  }
  const body = parseObject(res.text);
  const code = resultCode(body);
  const message = vendorMessage(body?.resultDesc ?? body?.returnDesc, redact);
  const fail = (errorCode: GatewayError['code'], detail: string, extra: GatewayErrorOptions = {}) =>
    new GatewayError(errorCode, detail, {
      provider: {
        name: ISALES_PROVIDER_NAME,
        code: code ?? `HTTP ${res.status}`,
        ...(message ? { message } : {}),
      },
      ...extra,
    });

  const http = findIsalesHttpRow(res.status)?.result;
  if (http) {
    throw fail(http.code, renderDetail(http.detail, { httpStatus: String(res.status) }), {
      transient: http.retryable,
      notProcessed: http.notProcessed ?? false,
      // The vendor's hint about when to come back matters only when coming back may help.
      ...(http.retryable ? { retryAfterSeconds: parseRetryAfter(res.headers) } : {}),
    });
  }
  if (!body) {
    throw fail('provider_error', `The provider answered HTTP ${res.status} with ${describeBody(res.text)}`);
  }
  if (!code) {
    throw fail('provider_error', `The provider answered HTTP ${res.status} without a result code`);
  }
  const ok = code === ISALES_SUCCESS_CODE;
  if (ok && (res.status < 200 || res.status > 299)) {
    throw fail('provider_error', `The provider answered HTTP ${res.status} with a success code`);
  }
  return { ok, code, ...(message ? { message } : {}), body };
}

function missingField(answer: IsalesAnswer, detail: string, outcomeUnknown = false): GatewayError {
  return new GatewayError('provider_error', detail, {
    outcomeUnknown,
    provider: {
      name: ISALES_PROVIDER_NAME,
      code: answer.code,
      ...(answer.message ? { message: answer.message } : {}),
    },
  });
}

/** `successCount` of a delete-numbers success; a success without it is not one we can report. */
export function readSuccessCount(answer: IsalesAnswer): number {
  const count = answer.body.successCount;
  if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) return count;
  throw missingField(answer, 'The provider reported success without a count of deleted numbers');
}

/**
 * The id of a created reserved call. The seed page's example answers `returnObject.id`; Huawei's field
 * table for the same interface names it `returnObject.appointId`. Either is read; both present with
 * different values is no usable id, since cancelling by the wrong one would cancel another booking.
 */
export function readAppointmentId(answer: IsalesAnswer): string {
  const returnObject = answer.body.returnObject;
  const fields =
    returnObject !== null && typeof returnObject === 'object' && !Array.isArray(returnObject)
      ? (returnObject as { appointId?: unknown; id?: unknown })
      : {};
  const ids = [...new Set([appointmentIdText(fields.appointId), appointmentIdText(fields.id)])].filter(
    (id): id is string => id !== undefined,
  );
  if (ids.length === 1) return ids[0];
  throw missingField(
    answer,
    ids.length === 0
      ? 'The provider accepted the callback but returned no usable id; the callback may exist at the provider'
      : 'The provider accepted the callback but returned two different ids; the callback may exist at the provider',
    true,
  );
}

function appointmentIdText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  // The documented id is a 30-digit string; a JSON number that long would have lost digits.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return undefined;
}
