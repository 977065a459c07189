import { GatewayError } from '@app/core';
import { VendorResponse } from '@app/http-client';
import { excerptOf, OzonetelAnswer, parseOzonetelAnswer } from './answer-parser';
import {
  EMPTY_ANSWER,
  ErrorResult,
  findOzonetelRule,
  isOutcome,
  MISSING_TOKEN,
  UNKNOWN_ANSWER,
  UNREADABLE_ANSWER,
} from './error-table';
import { OzonetelCall } from './ozonetel-dto';

export const OZONETEL_PROVIDER_NAME = 'ozonetel';

export type Interpretation =
  | { kind: 'success'; answer: OzonetelAnswer }
  | { kind: 'outcome'; outcome: 'not_found'; vendorMessage: string }
  /** A failure no row of the table knows, kept as a value for calls whose caller has another way. */
  | { kind: 'unrecognised'; failure: OzonetelFailure }
  | OzonetelFailure;

export interface OzonetelFailure {
  kind: 'failure';
  result: ErrorResult;
  httpStatus: number;
  /** What the vendor said (its message, else its status, else an excerpt of the body). */
  vendorMessage: string;
  retryAfterSeconds?: number;
}

/** Turns one vendor HTTP answer into success, a contact outcome, or a failure from the error table. */
export function interpretOzonetelResponse(
  call: OzonetelCall,
  response: VendorResponse,
  now: () => number = Date.now,
): Interpretation {
  const parsed = parseOzonetelAnswer(response.text);
  const ok = response.status >= 200 && response.status < 300;
  const answer = parsed.readable ? parsed.answer : undefined;
  if (ok && answer && isSuccess(call, answer)) return { kind: 'success', answer };

  const vendorMessage = parsed.readable
    ? (parsed.answer.message ?? parsed.answer.status ?? excerptOf(response.text))
    : parsed.excerpt || '(empty answer)';
  const rule = findOzonetelRule(call, response.status, answer?.message);
  if (rule && isOutcome(rule.result)) return { kind: 'outcome', outcome: rule.result.outcome, vendorMessage };

  const result = rule && !isOutcome(rule.result) ? rule.result : fallback(call, ok, answer, parsed.readable);
  const retryAfterSeconds = result.notProcessed ? retryAfter(response.headers, now) : undefined;
  return {
    kind: 'failure',
    result,
    httpStatus: response.status,
    vendorMessage,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/**
 * The catalogue error for a failure. `secrets` (the API key, tokens in use) are blanked out of the
 * vendor's words in case an answer ever echoes a request header.
 */
export function ozonetelError(
  failure: OzonetelFailure,
  secrets: readonly string[],
  detail?: string,
): GatewayError {
  const { result } = failure;
  const nonOk = failure.httpStatus < 200 || failure.httpStatus >= 300;
  return new GatewayError(result.code, detail ?? result.detail, {
    provider: {
      name: OZONETEL_PROVIDER_NAME,
      ...(nonOk ? { code: String(failure.httpStatus) } : {}),
      message: redact(failure.vendorMessage, secrets),
    },
    notProcessed: result.notProcessed ?? false,
    transient: result.retryable,
    ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
  });
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function isSuccess(call: OzonetelCall, answer: OzonetelAnswer): boolean {
  if (call === 'generateToken') return answer.token !== undefined && answer.verdict !== 'failure';
  return answer.verdict === 'success';
}

function fallback(
  call: OzonetelCall,
  ok: boolean,
  answer: OzonetelAnswer | undefined,
  readable: boolean,
): ErrorResult {
  if (!readable || !answer) return UNREADABLE_ANSWER;
  if (call === 'generateToken' && ok && answer.verdict !== 'failure' && answer.token === undefined) {
    return MISSING_TOKEN;
  }
  if (answer.status === undefined && answer.message === undefined) return EMPTY_ANSWER;
  return UNKNOWN_ANSWER;
}

function retryAfter(headers: VendorResponse['headers'], now: () => number): number | undefined {
  const raw = headers['retry-after'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.max(1, Number(value));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - now()) / 1000));
}
