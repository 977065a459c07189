import { VendorResponse } from '@app/http-client';
import { parseRetryAfter } from '@app/providers/kit';
import { excerptOf, OzonetelAnswer, parseOzonetelAnswer } from './answer-parser';
import {
  EMPTY_ANSWER,
  ErrorResult,
  findOzonetelRule,
  isOutcome,
  MISSING_TOKEN,
  OzonetelFailure,
  UNKNOWN_ANSWER,
  UNREADABLE_ANSWER,
} from './errors';
import { OzonetelCall } from './dto';

export type Interpretation =
  | { kind: 'success'; answer: OzonetelAnswer }
  | { kind: 'outcome'; outcome: 'not_found'; vendorMessage: string }
  /** A failure no row of the table knows, kept as a value for calls whose caller has another way. */
  | { kind: 'unrecognised'; failure: OzonetelFailure }
  | OzonetelFailure;

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
  const retryAfterSeconds = result.notProcessed ? parseRetryAfter(response.headers, now) : undefined;
  return {
    kind: 'failure',
    result,
    httpStatus: response.status,
    vendorMessage,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
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
