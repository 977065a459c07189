import { ProviderDescriptor, RateLimit } from '@app/core';
import { OZONETEL_BULK_DELETE_MAX } from './dto';

export const OZONETEL_PROVIDER_NAME = 'ozonetel';

/** Vendor cap on access tokens, shared by every replica and every other system using the account. */
export const OZONETEL_MAX_TOKEN_GENERATIONS_PER_HOUR = 10;

/** Documented for deleteCampaignData: 100 requests per minute per account. */
const DEFAULT_RATE_LIMIT: RateLimit = Object.freeze({ limit: 100, windowMs: 60_000 });

/** Documented for DeleteBulkData: 2 requests per minute per account, one at a time. */
const BULK_DELETE_RATE_LIMIT: RateLimit = Object.freeze({ limit: 2, windowMs: 60_000 });

const PHONE_NUMBER = /^\+?[0-9]{3,16}$/;
const MAX_CAMPAIGN_NAME = 255;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

function checkCampaignId(campaignId: string): string | undefined {
  // An Ozonetel campaign is addressed by its name; characters, not UTF-16 units, are what users count.
  const length = [...campaignId].length;
  if (length < 1 || length > MAX_CAMPAIGN_NAME) {
    return `an Ozonetel campaign name must be 1..${MAX_CAMPAIGN_NAME} characters`;
  }
  if (CONTROL_CHARACTER.test(campaignId))
    return 'an Ozonetel campaign name must not contain control characters';
  if (campaignId.trim() === '') return 'an Ozonetel campaign name must not be blank';
  return undefined;
}

function checkPhoneNumber(phoneNumber: string): string | undefined {
  return PHONE_NUMBER.test(phoneNumber)
    ? undefined
    : 'an Ozonetel phone number must be 3..16 digits with an optional leading +';
}

function checkCallbackId(): string | undefined {
  return 'Ozonetel has no callbacks';
}

/**
 * Ozonetel documents no pause, resume, campaign delete or standalone callback call, so the gateway
 * must answer those as unsupported rather than imitate them. `archive: false` is treated as absent by
 * the gateway, which is why `archive` is not a supported field here.
 */
export const OZONETEL_DESCRIPTOR: ProviderDescriptor = Object.freeze({
  name: OZONETEL_PROVIDER_NAME,
  capabilities: Object.freeze(['contacts.delete'] as const),
  contactDeleteFields: Object.freeze(['phoneNumbers', 'contactName'] as const),
  defaultRateLimit: DEFAULT_RATE_LIMIT,
  batchDelete: Object.freeze({
    maxNumbers: OZONETEL_BULK_DELETE_MAX,
    defaultRateLimit: BULK_DELETE_RATE_LIMIT,
  }),
  limits: Object.freeze({
    rateLimit: DEFAULT_RATE_LIMIT,
    numbersPerCall: 1,
    campaignId: `campaign name, 1..${MAX_CAMPAIGN_NAME} characters, no control characters`,
    phoneNumber: '3..16 digits, optional leading +',
    tokenGenerationsPerHour: OZONETEL_MAX_TOKEN_GENERATIONS_PER_HOUR,
    bulkDelete: Object.freeze({
      rateLimit: BULK_DELETE_RATE_LIMIT,
      numbersPerCall: OZONETEL_BULK_DELETE_MAX,
      concurrentCalls: 1,
      enabledPer: 'account (accounts[].bulkDelete)',
    }),
  }),
  checkCampaignId,
  checkPhoneNumber,
  checkCallbackId,
});
