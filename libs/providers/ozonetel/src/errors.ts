import { GatewayError } from '@app/core';
import { findVendorErrorRule, makeRedactor, VendorErrorResult, VendorErrorRule } from '@app/providers/kit';
import { OZONETEL_PROVIDER_NAME } from './descriptor';
import { OzonetelCall } from './dto';

/** Shorter secrets are not blanked out of the vendor's words: that would blank ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** A vendor answer about the number itself: reported as the contact's outcome, not thrown. */
export interface OutcomeResult {
  outcome: 'not_found';
}

export interface ErrorResult extends VendorErrorResult {
  /** In token mode: the token was refused; take a fresh one and retry the call once. */
  refreshToken?: boolean;
  /** No row knew the answer: the gateway cannot tell what the vendor did. */
  unrecognised?: boolean;
}

export type RuleResult = OutcomeResult | ErrorResult;

/** One row of the kit's rule schema (messages compared normalised, `httpStatus` an inclusive range). */
export type OzonetelErrorRule = VendorErrorRule<OzonetelCall, RuleResult>;

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

export function findOzonetelRule(
  call: OzonetelCall,
  httpStatus: number,
  message: string | undefined,
  table: readonly OzonetelErrorRule[] = OZONETEL_ERROR_TABLE,
): OzonetelErrorRule | undefined {
  return findVendorErrorRule(table, { call, httpStatus, ...(message !== undefined ? { message } : {}) });
}

export function isOutcome(result: RuleResult): result is OutcomeResult {
  return 'outcome' in result;
}

/** A failed answer, as the error table judged it. */
export interface OzonetelFailure {
  kind: 'failure';
  result: ErrorResult;
  httpStatus: number;
  /** What the vendor said (its message, else its status, else an excerpt of the body). */
  vendorMessage: string;
  retryAfterSeconds?: number;
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
      message: makeRedactor(secrets, { minSecretLength: MIN_SECRET_LENGTH })(failure.vendorMessage),
    },
    notProcessed: result.notProcessed ?? false,
    transient: result.retryable,
    ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
  });
}
