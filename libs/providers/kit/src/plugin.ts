import { ProviderAdapter, ProviderDescriptor, TokenCache, VendorCallGate } from '@app/core';
import type { VendorExchange } from '@app/http-client';

/** What the gateway hands every adapter it builds. */
export interface ProviderInfrastructure {
  gate: VendorCallGate;
  /** The account's batch-delete gate, when the account turned bulk deletes on. */
  batchGate?: VendorCallGate;
  tokenCache: TokenCache;
  onExchange: (exchange: VendorExchange) => void;
}

/** The fields every account has that a plugin reads (the configuration's base account class). */
export interface PluginAccount {
  id: string;
  provider: string;
  baseUrl: string;
}

/**
 * Everything the gateway needs to know about one vendor, exported by its provider library as one
 * object. The gateway's provider registry is a list of these; the vendor names, the configuration's
 * account classes and the API's enums are all read from that list.
 */
export interface ProviderPlugin<C extends PluginAccount = PluginAccount> {
  /** The `provider` value of its accounts; equals `descriptor.name`. */
  readonly name: string;
  readonly descriptor: ProviderDescriptor;
  /** The class-validator class an account of this vendor is read into. */
  readonly accountConfig: new () => C;
  /**
   * Who the vendor bills budgets and tokens to. Two accounts with the same identity would each spend
   * the one vendor budget in full (and replace each other's tokens), so the gateway refuses them.
   */
  vendorIdentity(account: C): string;
  /** One adapter for one configured account. */
  create(account: C, infrastructure: ProviderInfrastructure): ProviderAdapter;
}

/** A plugin, checked for a name that matches its descriptor's. */
export function defineProviderPlugin<C extends PluginAccount>(plugin: ProviderPlugin<C>): ProviderPlugin<C> {
  if (plugin.name !== plugin.descriptor.name) {
    throw new Error(`provider plugin ${plugin.name} carries the descriptor of ${plugin.descriptor.name}`);
  }
  return plugin;
}
