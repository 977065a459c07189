import { validationFailed } from '@app/core';
import { Account } from '../accounts/account-registry';

/** Path and body identifiers are checked against the vendor's own rule before anything is sent. */
export function checkCampaignId(account: Account, campaignId: string, field = 'campaignId'): void {
  throwIfInvalid(field, account.descriptor.checkCampaignId(campaignId));
}

export function checkPhoneNumber(account: Account, phoneNumber: string, field = 'phoneNumber'): void {
  throwIfInvalid(field, account.descriptor.checkPhoneNumber(phoneNumber));
}

export function checkCallbackId(account: Account, callbackId: string): void {
  throwIfInvalid('callbackId', account.descriptor.checkCallbackId(callbackId));
}

function throwIfInvalid(field: string, message: string | undefined): void {
  if (message !== undefined) throw validationFailed([{ field, message }]);
}
