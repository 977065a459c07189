import { ErrorCode } from '@app/core';

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

export interface IsalesErrorRow {
  vendorCode: string;
  operations: readonly IsalesOperation[];
  code: ErrorCode;
  /** True when the same call may succeed later; becomes GatewayError.transient. */
  retryable: boolean;
  /** True when the vendor may have done the (non-idempotent) work anyway; becomes GatewayError.outcomeUnknown. */
  outcomeUnknown?: boolean;
  /** Neutral sentence for the caller; `{campaignId}` etc. are filled from the subject. */
  detail: string;
}

const ALL = ISALES_OPERATIONS;
const CAMPAIGN_OPS: readonly IsalesOperation[] = ALL.filter((op) => op !== 'cancelCallback');

/*
 * (operation, vendor code) -> catalogue code. Codes are from the iSales pages' error tables. A code
 * whose meaning depends on the operation has one row per meaning; a code the table does not list for
 * an operation falls back to provider_error with the raw code kept.
 */
export const ISALES_ERROR_TABLE: readonly IsalesErrorRow[] = [
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
  {
    ...row(
      '0200006',
      ['createCallback'],
      'provider_error',
      "The provider's database failed while booking the callback; it may exist at the provider: list the campaign's callbacks before booking again",
    ),
    outcomeUnknown: true,
  },
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
export const ISALES_UNKNOWN_CODE_ROW: Omit<IsalesErrorRow, 'vendorCode' | 'operations'> = {
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
): IsalesErrorRow {
  return { vendorCode, operations, code, retryable, detail };
}

export function findIsalesErrorRow(
  operation: IsalesOperation,
  vendorCode: string,
): IsalesErrorRow | undefined {
  return ISALES_ERROR_TABLE.find((r) => r.vendorCode === vendorCode && r.operations.includes(operation));
}
