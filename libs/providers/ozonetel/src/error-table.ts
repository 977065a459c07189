import { ErrorCode } from '@app/core';
import { OzonetelCall } from './ozonetel-dto';

/** A vendor answer about the number itself: reported as the contact's outcome, not thrown. */
export interface OutcomeResult {
  outcome: 'not_found';
}

export interface ErrorResult {
  code: ErrorCode;
  /** A later attempt may succeed. */
  retryable: boolean;
  /** The vendor certainly did nothing, so the gate may send the same request again. */
  notProcessed?: boolean;
  /** In token mode: the token was refused; take a fresh one and retry the call once. */
  refreshToken?: boolean;
  /** Neutral sentence for the caller; never quotes the vendor or a secret. */
  detail: string;
  /** No row knew the answer: the gateway cannot tell what the vendor did. */
  unrecognised?: boolean;
}

export type RuleResult = OutcomeResult | ErrorResult;

/**
 * One row: every condition given must hold. Messages are compared trimmed, case-insensitively and
 * without a trailing period; `httpStatus` is an inclusive range.
 */
export interface OzonetelErrorRule {
  httpStatus?: readonly [number, number];
  message?: string;
  /**
   * For answers whose wording is not published: the normalised message must contain each of these
   * (plain substring search, linear on any input).
   */
  messageContains?: readonly string[];
  /** The calls this row applies to; every call when absent. */
  calls?: readonly OzonetelCall[];
  result: RuleResult;
}

const AUTH_REFUSED: ErrorResult = {
  code: 'provider_auth_failed',
  retryable: false,
  refreshToken: true,
  detail: "Ozonetel refused the gateway's credentials for this account",
};

const OVER_LIMIT: ErrorResult = {
  code: 'provider_rate_limited',
  retryable: true,
  notProcessed: true,
  detail: 'Ozonetel says this account is over its request limit; the request was not processed',
};

const UNKNOWN_USER: ErrorResult = {
  code: 'provider_auth_failed',
  retryable: false,
  detail: "Ozonetel does not recognise this account's user name and API key",
};

/**
 * First match wins, so the order is part of the data: HTTP 401 and 429 speak about the request as a
 * whole and beat whatever the body says; the documented messages come next; a 5xx with no known
 * message means the vendor is failing. A successful answer is recognised before this table is read.
 */
export const OZONETEL_ERROR_TABLE: readonly OzonetelErrorRule[] = [
  { httpStatus: [401, 401], result: AUTH_REFUSED },
  { httpStatus: [429, 429], result: OVER_LIMIT },
  {
    message: 'Token Expired',
    result: { ...AUTH_REFUSED, detail: 'Ozonetel refused the access token as expired' },
  },
  { message: 'Max limit exceeded', result: OVER_LIMIT },
  { message: 'No Record Found', calls: ['deleteCampaignData'], result: { outcome: 'not_found' } },
  {
    message: 'Passed campaign are invalid',
    result: {
      code: 'campaign_not_found',
      retryable: false,
      detail: 'Ozonetel has no campaign with this name',
    },
  },
  {
    // Documented only as "an error saying a maximum of 100 phone numbers or campaign names".
    messageContains: ['max', '100'],
    calls: ['deleteBulkData'],
    result: {
      code: 'provider_rejected',
      retryable: false,
      detail: 'Ozonetel refused the batch as over its 100 numbers or campaign names',
    },
  },
  {
    message: 'Campaign should not be null are empty',
    result: {
      code: 'provider_rejected',
      retryable: false,
      detail: 'Ozonetel refused the request because the campaign name was missing',
    },
  },
  {
    message: 'PhoneNumber should not be null are empty',
    result: {
      code: 'provider_rejected',
      retryable: false,
      detail: 'Ozonetel refused the request because the phone number was missing',
    },
  },
  {
    message: 'Invalid Json Pass Valid Json',
    result: {
      code: 'provider_rejected',
      retryable: false,
      detail: 'Ozonetel refused the request body as invalid',
    },
  },
  {
    message: 'Api Key Should Not be Null or Empty.',
    result: {
      code: 'provider_auth_failed',
      retryable: false,
      detail: 'Ozonetel received no API key for this account',
    },
  },
  {
    message: 'Username Should Not be Null or Empty.',
    result: {
      code: 'provider_auth_failed',
      retryable: false,
      detail: 'Ozonetel received no user name for this account',
    },
  },
  { message: 'Invalid User Details', result: UNKNOWN_USER },
  {
    message: 'Invalid action.',
    result: {
      code: 'provider_auth_failed',
      retryable: false,
      detail:
        "Ozonetel refused the call's authentication mode: the account's authMode does not match its API Authentication setting at Ozonetel",
    },
  },
  {
    httpStatus: [500, 599],
    result: {
      code: 'provider_unavailable',
      retryable: true,
      detail: 'Ozonetel answered with a server error',
    },
  },
];

/** A failure answer (or a non-2xx status) that no row knows. */
export const UNKNOWN_ANSWER: ErrorResult = {
  unrecognised: true,
  code: 'provider_error',
  retryable: false,
  detail: 'Ozonetel refused the request with an answer the gateway does not know',
};

/** Neither JSON nor anything the gateway can act on: an HTML page, an empty body, a bare value. */
export const UNREADABLE_ANSWER: ErrorResult = {
  unrecognised: true,
  code: 'provider_error',
  retryable: false,
  detail: 'Ozonetel sent an answer the gateway could not read',
};

/** A JSON answer with no status and no message. */
export const EMPTY_ANSWER: ErrorResult = {
  unrecognised: true,
  code: 'provider_error',
  retryable: false,
  detail: 'Ozonetel sent an answer with neither a status nor a message',
};

/** A 2xx token answer that carries no token and no known message. */
export const MISSING_TOKEN: ErrorResult = {
  code: 'provider_error',
  retryable: false,
  detail: 'Ozonetel answered the token request without a token',
};

export function normalizeOzonetelMessage(message: string): string {
  // Trailing periods by an index scan: /\.+$/ is quadratic on a long run of periods not at the end.
  let text = message.trim();
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2e) end--;
  text = text.slice(0, end);
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function findOzonetelRule(
  call: OzonetelCall,
  httpStatus: number,
  message: string | undefined,
  table: readonly OzonetelErrorRule[] = OZONETEL_ERROR_TABLE,
): OzonetelErrorRule | undefined {
  const normalized = message === undefined ? undefined : normalizeOzonetelMessage(message);
  return table.find(
    (rule) =>
      (rule.calls === undefined || rule.calls.includes(call)) &&
      (rule.httpStatus === undefined ||
        (httpStatus >= rule.httpStatus[0] && httpStatus <= rule.httpStatus[1])) &&
      (rule.message === undefined || normalizeOzonetelMessage(rule.message) === normalized) &&
      (rule.messageContains === undefined ||
        (normalized !== undefined && rule.messageContains.every((part) => normalized.includes(part)))),
  );
}

export function isOutcome(result: RuleResult): result is OutcomeResult {
  return 'outcome' in result;
}
