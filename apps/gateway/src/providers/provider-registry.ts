import { BaseAccountConfig, ConfigError } from '@app/config';
import { ProviderAdapter, ProviderDescriptor } from '@app/core';
import {
  describeMissingMethods,
  missingCapabilityMethods,
  ProviderInfrastructure,
  ProviderPlugin,
} from '@app/providers/kit';
import * as plugins from './plugins';

export type { ProviderInfrastructure } from '@app/providers/kit';

/**
 * Every vendor the gateway can talk to, one plugin each: the exports of ./plugins. Adding a vendor is
 * adding its library (libs/providers/<name>) and one line there: the vendor names, the configuration's
 * account classes and the API's provider enums are all read from this list.
 */
export const PROVIDER_PLUGINS: readonly ProviderPlugin<BaseAccountConfig>[] = Object.values(plugins);

export interface ProviderRegistration {
  descriptor: ProviderDescriptor;
  accountConfig: new () => BaseAccountConfig;
  vendorIdentity(config: BaseAccountConfig): string;
  /** The plugin's adapter, checked against its descriptor. */
  createAdapter(config: BaseAccountConfig, infra: ProviderInfrastructure): ProviderAdapter;
}

/**
 * The gateway's view of a plugin. Every adapter built is checked against its descriptor: a capability
 * listed without its method stops the start, naming the account, instead of failing requests later.
 */
function registration(plugin: ProviderPlugin<BaseAccountConfig>): ProviderRegistration {
  return {
    descriptor: plugin.descriptor,
    accountConfig: plugin.accountConfig,
    vendorIdentity: (config) => plugin.vendorIdentity(config),
    createAdapter: (config, infra) => checkedAdapter(plugin.create(config, infra), config),
  };
}

export function checkedAdapter(adapter: ProviderAdapter, config: BaseAccountConfig): ProviderAdapter {
  const problem = describeMissingMethods(
    adapter.descriptor.name,
    missingCapabilityMethods(adapter, adapter.descriptor),
  );
  if (problem) throw new ConfigError(`accounts[id=${config.id}].provider`, problem);
  return adapter;
}

/** The registry keyed by vendor name; two plugins under one name are a programming error. */
export function buildProviderRegistry(
  plugins: readonly ProviderPlugin<BaseAccountConfig>[],
): Record<string, ProviderRegistration> {
  const registry: Record<string, ProviderRegistration> = {};
  for (const plugin of plugins) {
    if (registry[plugin.name]) throw new Error(`two provider plugins are named ${plugin.name}`);
    registry[plugin.name] = registration(plugin);
  }
  return registry;
}

export const PROVIDER_REGISTRY: Readonly<Record<string, ProviderRegistration>> =
  buildProviderRegistry(PROVIDER_PLUGINS);

/** The vendor names, in registry order (the API's `provider` enums). */
export const PROVIDER_NAMES: readonly string[] = PROVIDER_PLUGINS.map((plugin) => plugin.name);

/** What the configuration loader reads each account into, by its `provider`. */
export const ACCOUNT_CONFIG_CLASSES: Record<string, new () => BaseAccountConfig> = Object.fromEntries(
  PROVIDER_PLUGINS.map((plugin) => [plugin.name, plugin.accountConfig]),
);
