import { BaseAccountConfig } from '@app/config';
import { ProviderAdapter, ProviderDescriptor, ProviderName, VendorCallGate } from '@app/core';
import { VendorExchange } from '@app/http-client';
import { ISALES_DESCRIPTOR, IsalesAccountConfig, IsalesAdapter } from '@app/isales';
import { OZONETEL_DESCRIPTOR, OzonetelAccountConfig, OzonetelAdapter } from '@app/ozonetel';
import { TokenCache } from '@app/store';

/** What the gateway hands every adapter it builds. */
export interface ProviderInfrastructure {
  gate: VendorCallGate;
  /** The account's batch-delete gate, when the account turned bulk deletes on. */
  batchGate?: VendorCallGate;
  tokenCache: TokenCache;
  onExchange: (exchange: VendorExchange) => void;
}

export interface ProviderRegistration<C extends BaseAccountConfig = BaseAccountConfig> {
  descriptor: ProviderDescriptor;
  accountConfig: new () => C;
  /**
   * Who the vendor bills budgets and tokens to. Two accounts with the same identity would each spend
   * the one vendor budget in full (and replace each other's tokens), so the gateway refuses them.
   */
  vendorIdentity(config: C): string;
  createAdapter(config: C, infra: ProviderInfrastructure): ProviderAdapter;
}

/** Each row is typed by its own config class; the table holds them under the common base. */
function register<C extends BaseAccountConfig>(registration: ProviderRegistration<C>): ProviderRegistration {
  return registration;
}

/** One row per vendor: adding a vendor is adding its library and a row here. */
export const PROVIDER_REGISTRY: Record<ProviderName, ProviderRegistration> = {
  isales: register({
    descriptor: ISALES_DESCRIPTOR,
    accountConfig: IsalesAccountConfig,
    vendorIdentity: (config) =>
      `isales ${new URL(config.baseUrl).host} vdn ${config.vdnId} ak ${config.accessKey}`,
    createAdapter: (config, infra) =>
      new IsalesAdapter(config, { gate: infra.gate, onExchange: infra.onExchange }),
  }),
  ozonetel: register({
    descriptor: OZONETEL_DESCRIPTOR,
    accountConfig: OzonetelAccountConfig,
    vendorIdentity: (config) => `ozonetel ${new URL(config.baseUrl).host} user ${config.userName}`,
    createAdapter: (config, infra) =>
      new OzonetelAdapter(config, {
        gate: infra.gate,
        ...(infra.batchGate ? { batchGate: infra.batchGate } : {}),
        tokenCache: infra.tokenCache,
        onExchange: infra.onExchange,
      }),
  }),
};

export const ACCOUNT_CONFIG_CLASSES = Object.fromEntries(
  Object.entries(PROVIDER_REGISTRY).map(([name, registration]) => [name, registration.accountConfig]),
);
