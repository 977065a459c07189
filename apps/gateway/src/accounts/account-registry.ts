import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { BaseAccountConfig, GatewayConfig } from '@app/config';
import { ProviderAdapter, ProviderDescriptor, RateLimit } from '@app/core';
import { BudgetGate, StoreBundle } from '@app/store';
import { VendorMetrics } from '../metrics/vendor-metrics';
import { PROVIDER_REGISTRY } from '../providers/provider-registry';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';

export interface Account {
  readonly id: string;
  readonly descriptor: ProviderDescriptor;
  readonly rateLimit: RateLimit;
  readonly adapter: ProviderAdapter;
}

/** One adapter per configured account, built once at start with its own client and limiter key. */
@Injectable()
export class AccountRegistry implements OnApplicationShutdown {
  private readonly accounts = new Map<string, Account>();

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(STORE_BUNDLE) store: StoreBundle,
    metrics: VendorMetrics,
  ) {
    for (const accountConfig of config.accounts) {
      this.accounts.set(accountConfig.id, this.build(accountConfig, config, store, metrics));
    }
  }

  get(id: string): Account | undefined {
    return this.accounts.get(id);
  }

  all(): Account[] {
    return [...this.accounts.values()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.all().map((account) => account.adapter.close()));
  }

  private build(
    accountConfig: BaseAccountConfig,
    config: GatewayConfig,
    store: StoreBundle,
    metrics: VendorMetrics,
  ): Account {
    const registration = PROVIDER_REGISTRY[accountConfig.provider];
    const rateLimit = accountConfig.rateLimit ?? registration.descriptor.defaultRateLimit;
    const gate = new BudgetGate(store.rateLimiter, {
      key: accountConfig.id,
      limit: rateLimit,
      bulkShare: 1 - config.settings.interactiveShare,
    });
    const adapter = registration.createAdapter(accountConfig, {
      gate,
      tokenCache: store.tokenCache,
      onExchange: (exchange) => metrics.record(accountConfig.id, exchange),
    });
    return { id: accountConfig.id, descriptor: registration.descriptor, rateLimit, adapter };
  }
}
