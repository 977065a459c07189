import { ErrorCode, GatewayError } from '@app/core';
import {
  findVendorErrorRule,
  makeRedactor,
  Redact,
  renderDetail,
  VendorErrorResult,
  VendorErrorRule,
} from '@app/providers/kit';
import { ISALES_PROVIDER_NAME } from './descriptor';

/** The adapter's operations, as the error table distinguishes them. */
export const ISALES_OPERATIONS = [
  'deleteCampaign',
  'pauseCampaign',
  'resumeCampaign',
  'deleteContact',
  'deleteContactsByFilter',
  'createCallback',
  'cancelCallback',
] as const;
export type IsalesOperation = (typeof ISALES_OPERATIONS)[number];

/** What a failed call was about; fills the `{placeholders}` of a row's detail. */
export interface IsalesSubject {
  campaignId?: string;
  phoneNumber?: string;
  scheduledAt?: string;
  callbackId?: string;
}

/** Which subject fields each operation always knows, so a row may only name those. */
export const OPERATION_SUBJECT: Record<IsalesOperation, readonly (keyof IsalesSubject)[]> = {
  deleteCampaign: ['campaignId'],
  pauseCampaign: ['campaignId'],
  resumeCampaign: ['campaignId'],
  deleteContact: ['campaignId', 'phoneNumber'],
  deleteContactsByFilter: ['campaignId'],
  createCallback: ['campaignId', 'phoneNumber', 'scheduledAt'],
  cancelCallback: ['callbackId'],
};

/** A row of the iSales table: a result code on some operations, or an HTTP status on any. */
export type IsalesErrorRow = VendorErrorRule<IsalesOperation>;

const ALL = ISALES_OPERATIONS;
const CAMPAIGN_OPS: readonly IsalesOperation[] = ALL.filter((op) => op !== 'cancelCallback');

/*
 * HTTP statuses first: they speak about the request as a whole and beat whatever the body says. Then
 * (operation, vendor code) -> catalogue code. Codes are from the iSales pages' error tables. A code
 * whose meaning depends on the operation has one row per meaning; a code the table does not list for
 * an operation falls back to provider_error with the raw code kept.
 */
export const ISALES_ERROR_TABLE: readonly IsalesErrorRow[] = [
  {
    httpStatus: [401, 401],
    result: {
      code: 'provider_auth_failed',
      retryable: false,
      detail:
        "The provider refused the gateway's signature (HTTP 401): check the account's access key, secret key and clock",
    },
  },
  {
    // The vendor turned the call away before doing anything, so the gate may send it again.
    httpStatus: [429, 429],
    result: {
      code: 'provider_rate_limited',
      retryable: true,
      notProcessed: true,
      detail: 'The provider said its request limit was reached (HTTP 429)',
    },
  },
  {
    httpStatus: [500, 599],
    result: {
      code: 'provider_unavailable',
      retryable: true,
      detail: 'The provider failed to serve the request (HTTP {httpStatus})',
    },
  },
  row('0200001', ALL, 'provider_rejected', 'The provider refused a parameter of the request'),
  row(
    '0200006',
    ALL.filter((op) => op !== 'createCallback'),
    'provider_error',
    "The provider's database failed; a later attempt may succeed",
    true,
  ),
  // A create is not idempotent at the vendor: whether the booking was written is unknown, so nothing
  // may send it again on its own.
  row(
    '0200006',
    ['createCallback'],
    'provider_error',
    "The provider's database failed while booking the callback; it may exist at the provider: list the campaign's callbacks before booking again",
    false,
    true,
  ),
  row('0200007', CAMPAIGN_OPS, 'campaign_not_found', 'Campaign {campaignId} does not exist'),
  row(
    '0200009',
    ['deleteCampaign'],
    'campaign_running',
    'Campaign {campaignId} is running and cannot be deleted',
  ),
  row(
    '0200009',
    CAMPAIGN_OPS.filter((op) => op !== 'deleteCampaign'),
    'campaign_running',
    'Campaign {campaignId} is running',
  ),
  row(
    '0200011',
    ['pauseCampaign'],
    'campaign_state_conflict',
    'Campaign {campaignId} cannot be paused in its current state; only a running campaign can',
  ),
  row(
    '0200011',
    ['resumeCampaign'],
    'campaign_state_conflict',
    'Campaign {campaignId} cannot be resumed in its current state; only a paused campaign can',
  ),
  row(
    '0200011',
    CAMPAIGN_OPS.filter((op) => op !== 'pauseCampaign' && op !== 'resumeCampaign'),
    'campaign_state_conflict',
    'Campaign {campaignId} cannot do this in its current state',
  ),
  row(
    '0200028',
    ['deleteContact'],
    'contact_not_deletable',
    'Number {phoneNumber} cannot be deleted now: it is being called, was already called, or its campaign is running',
  ),
  row(
    '0200028',
    ['deleteContactsByFilter'],
    'contact_not_deletable',
    'The matching numbers of campaign {campaignId} cannot be deleted now: they are being called, were already called, or the campaign is running',
  ),
  row('0200030', ALL, 'provider_rejected', 'The provider refused the format of a time in the request'),
  row('02000001', ALL, 'provider_rejected', 'The provider found a required parameter empty'),
  row('02000002', ALL, 'provider_rejected', 'The provider found invalid characters in a parameter'),
  row('02000003', ALL, 'provider_rejected', 'The provider found a parameter longer than it allows'),
  row('02000004', ALL, 'provider_rejected', 'The provider found a parameter shorter than it allows'),
  row('02000005', ALL, 'provider_rejected', 'The provider found a parameter length out of range'),
  row('02000006', ALL, 'provider_rejected', 'The provider found a parameter of the wrong type'),
  row('02000007', ALL, 'provider_rejected', 'The provider found a parameter with a wrong value'),
  row('02000008', ALL, 'provider_rejected', 'The provider could not convert a parameter'),
  row('02000009', ALL, 'provider_rejected', 'The provider refused the combination of parameters'),
  row('02000010', ALL, 'provider_rejected', 'The provider needs hour and minute parameters together'),
  row('02000011', ALL, 'provider_rejected', 'The provider found more parameters than it allows'),
  row(
    '04000001',
    ['createCallback'],
    'invalid_schedule',
    'The provider refused the scheduled time {scheduledAt}',
  ),
  row(
    '04000002',
    ['createCallback', 'deleteContact'],
    'provider_rejected',
    'The provider refused phone number {phoneNumber}',
  ),
  row('04000003', ['createCallback'], 'phone_number_blocked', 'Phone number {phoneNumber} is blocklisted'),
  row('04000004', ['cancelCallback'], 'callback_not_found', 'Callback {callbackId} does not exist'),
  row(
    '04000005',
    ['cancelCallback'],
    'callback_in_progress',
    'Callback {callbackId} is being dialled and cannot be cancelled',
  ),
];

/** For a vendor code the table does not know for this operation. */
export const ISALES_UNKNOWN_CODE_ROW: VendorErrorResult = {
  code: 'provider_error',
  retryable: false,
  detail: 'The provider failed with a result code the gateway does not know',
};

function row(
  vendorCode: string,
  operations: readonly IsalesOperation[],
  code: ErrorCode,
  detail: string,
  retryable = false,
  outcomeUnknown = false,
): IsalesErrorRow {
  return {
    vendorCode,
    calls: operations,
    result: { code, retryable, ...(outcomeUnknown ? { outcomeUnknown } : {}), detail },
  };
}

/** The row for a result code on an operation (never an HTTP row: those need a status). */
export function findIsalesErrorRow(
  operation: IsalesOperation,
  vendorCode: string,
): IsalesErrorRow | undefined {
  return findVendorErrorRule(ISALES_ERROR_TABLE, { call: operation, vendorCode });
}

/** The row for an HTTP status that decides the answer whatever its body, if any. */
export function findIsalesHttpRow(httpStatus: number): IsalesErrorRow | undefined {
  return findVendorErrorRule(ISALES_ERROR_TABLE, { httpStatus });
}

const MAX_MESSAGE_LENGTH = 300;
// An Authorization value has no whitespace; quotes and commas end it when a vendor quotes it.
const AUTHORIZATION_VALUE = /auth-v2\/[^\s"',]*/g;

/**
 * Vendors echo requests in their error text often enough that a description could carry our access
 * key or Authorization header back. auth-v2 values carry no expiry, so an echoed one could even be
 * replayed: nothing of that kind may reach an error body or a log.
 */
export function isalesRedactor(secrets: readonly string[]): Redact {
  return makeRedactor(secrets, {
    patterns: [{ pattern: AUTHORIZATION_VALUE, replacement: 'auth-v2/[redacted]' }],
  });
}

/** The vendor's description, if it gave a usable one, redacted and bounded. */
export function vendorMessage(raw: unknown, redact: Redact): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = redact(raw.trim());
  if (text.length === 0) return undefined;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

/** The GatewayError for a well-formed iSales failure answer (a non-success result code). */
export function isalesVendorError(
  operation: IsalesOperation,
  vendorCode: string,
  message: string | undefined,
  subject: IsalesSubject,
): GatewayError {
  const found = findIsalesErrorRow(operation, vendorCode)?.result ?? ISALES_UNKNOWN_CODE_ROW;
  return new GatewayError(found.code, renderDetail(found.detail, { ...subject }), {
    provider: { name: ISALES_PROVIDER_NAME, code: vendorCode, ...(message ? { message } : {}) },
    transient: found.retryable,
    outcomeUnknown: found.outcomeUnknown ?? false,
  });
}
