import { ProviderDescriptor, validationFailed } from '@app/core';
import { Account } from '../accounts/account-registry';

/** The identifiers a vendor has its own rule for, by the name a path or body gives them. */
const RULES = {
  campaignId: (descriptor: ProviderDescriptor, value: string) => descriptor.checkCampaignId(value),
  callbackId: (descriptor: ProviderDescriptor, value: string) => descriptor.checkCallbackId(value),
  phoneNumber: (descriptor: ProviderDescriptor, value: string) => descriptor.checkPhoneNumber(value),
};

export type IdentifierField = keyof typeof RULES;

/** Identifiers a route's path may hold, checked whenever present. */
export const PATH_IDENTIFIERS: readonly IdentifierField[] = ['campaignId', 'callbackId'];

/** Path and body identifiers are checked against the vendor's own rule before anything is sent. */
export function checkIdentifier(account: Account, field: IdentifierField, value: string): void {
  const message = RULES[field](account.descriptor, value);
  if (message !== undefined) throw validationFailed([{ field, message }]);
}
