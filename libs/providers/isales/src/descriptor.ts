import { CAPABILITIES, ProviderDescriptor, RateLimit } from '@app/core';

export const ISALES_PROVIDER_NAME = 'isales';

// iSales documents no request budget; each deployment sizes its own, so this is only a cautious
// default that an account's `rateLimit` is expected to override.
const DEFAULT_RATE_LIMIT: RateLimit = { limit: 20, windowMs: 1000 };

export const ISALES_LIMITS = {
  phoneNumberMaxLength: 24,
  sessionIdMaxLength: 32,
  customFieldMaxLength: 200,
  noteMaxLength: 200,
  callDataMaxLength: 1024,
} as const;

const CAMPAIGN_ID = /^[1-9][0-9]{0,18}$/;
const PHONE_NUMBER = /^[0-9*#]{1,24}$/;
const CALLBACK_ID = /^[0-9]{1,64}$/;

export const ISALES_DESCRIPTOR: ProviderDescriptor = {
  name: ISALES_PROVIDER_NAME,
  capabilities: [...CAPABILITIES],
  // No contactName: iSales numbers carry no name to match on.
  contactDeleteFields: ['phoneNumbers', 'sessionId', 'customField', 'scheduledTime', 'archive'],
  defaultRateLimit: DEFAULT_RATE_LIMIT,
  limits: {
    rateLimit: DEFAULT_RATE_LIMIT,
    numbersPerCall: 1,
    phoneNumber: 'up to 24 of digits, * and #',
    sessionIdMaxLength: ISALES_LIMITS.sessionIdMaxLength,
    customFieldMaxLength: ISALES_LIMITS.customFieldMaxLength,
    noteMaxLength: ISALES_LIMITS.noteMaxLength,
    callDataMaxLength: ISALES_LIMITS.callDataMaxLength,
  },
  checkCampaignId: (campaignId) =>
    CAMPAIGN_ID.test(campaignId)
      ? undefined
      : 'must be a numeric iSales campaign id (1 to 19 digits, no leading 0)',
  checkPhoneNumber: (phoneNumber) =>
    PHONE_NUMBER.test(phoneNumber) ? undefined : 'must be 1 to 24 characters of digits, * and # for iSales',
  checkCallbackId: (callbackId) =>
    CALLBACK_ID.test(callbackId) ? undefined : 'must be a numeric iSales callback id (1 to 64 digits)',
};
