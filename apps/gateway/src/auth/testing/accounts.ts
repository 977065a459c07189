import { Client, ClientGrant } from '@app/config';
import { Capability, ProviderAdapter, ProviderDescriptor } from '@app/core';
import { Account, AccountRegistry } from '../../accounts/account-registry';

/**
 * An iSales-named account for the access specs: campaigns are numeric, numbers 3+ digits, callback ids
 * hex, enough to tell each identifier check apart. No adapter: nothing is sent.
 */
export function testAccount(id: string, capabilities: Capability[]): Account {
  const descriptor = {
    name: 'isales',
    capabilities,
    checkCampaignId: (value: string) => (/^\d+$/.test(value) ? undefined : 'must be digits'),
    checkPhoneNumber: (value: string) => (/^\d{3,}$/.test(value) ? undefined : 'must be 3+ digits'),
    checkCallbackId: (value: string) => (/^[0-9a-f]+$/.test(value) ? undefined : 'must be hex'),
  } as unknown as ProviderDescriptor;
  return {
    id,
    descriptor,
    rateLimit: { limit: 10, windowMs: 1000 },
    marginMs: 100,
    adapter: {} as ProviderAdapter,
  };
}

/** Only what AccountAccess reads of the registry. */
export function registryOf(...accounts: Account[]): AccountRegistry {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return { get: (id: string) => byId.get(id), all: () => accounts } as unknown as AccountRegistry;
}

export const testClient = (...grants: ClientGrant[]): Client => ({ id: 'c1', keyHashes: [], grants });
