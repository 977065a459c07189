import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { BaseAccountConfig, ConfigError, GatewayConfig } from '@app/config';
import { ProviderAdapter, ProviderDescriptor, RateLimit } from '@app/core';
import { BudgetGate, defaultMarginMs, StoreBundle } from '@app/store';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { audited } from '../logging/audit';
import { BudgetMetrics } from '../metrics/budget-metrics';
import { VendorMetrics } from '../metrics/vendor-metrics';
import { PROVIDER_REGISTRY } from '../providers/provider-registry';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';

export interface Account {
  readonly id: string;
  readonly descriptor: ProviderDescriptor;
  readonly rateLimit: RateLimit;
  /** How long the gate holds each grant beyond the window (see BudgetGate). */
  readonly marginMs: number;
  readonly adapter: ProviderAdapter;
}

function assertDistinctVendorIdentities(accounts: BaseAccountConfig[]): void {
  const seen = new Map<string, number>();
  accounts.forEach((account, index) => {
    const identity = PROVIDER_REGISTRY[account.provider].vendorIdentity(account);
    const first = seen.get(identity);
    if (first !== undefined) {
      throw new ConfigError(
        `accounts[${index}]`,
        `is the same vendor account as accounts[${first}]; its rate budget and token belong to the vendor account, so configure it once`,
      );
    }
    seen.set(identity, index);
  });
}

/** One adapter per configured account, built once at start with its own client and limiter key. */
@Injectable()
export class AccountRegistry implements OnApplicationShutdown {
  private readonly accounts = new Map<string, Account>();

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(STORE_BUNDLE) store: StoreBundle,
    metrics: VendorMetrics,
    budgetMetrics: BudgetMetrics,
    @InjectPinoLogger('audit') private readonly audit: PinoLogger,
  ) {
    assertDistinctVendorIdentities(config.accounts);
    for (const accountConfig of config.accounts) {
      this.accounts.set(accountConfig.id, this.build(accountConfig, config, store, metrics, budgetMetrics));
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
    budgetMetrics: BudgetMetrics,
  ): Account {
    const registration = PROVIDER_REGISTRY[accountConfig.provider];
    const configured = accountConfig.rateLimit;
    const rateLimit = configured
      ? { limit: configured.limit, windowMs: configured.windowMs }
      : registration.descriptor.defaultRateLimit;
    const marginMs = configured?.marginMs ?? defaultMarginMs(rateLimit.windowMs);
    const gate = new BudgetGate(store.rateLimiter, {
      key: accountConfig.id,
      limit: rateLimit,
      marginMs,
      interactiveShare: config.settings.interactiveShare,
      observer: budgetMetrics.observerFor(accountConfig.id),
    });
    const adapter = registration.createAdapter(accountConfig, {
      gate,
      tokenCache: store.tokenCache,
      onExchange: (exchange) => metrics.record(accountConfig.id, exchange),
    });
    return {
      id: accountConfig.id,
      descriptor: registration.descriptor,
      rateLimit,
      marginMs,
      adapter: audited(adapter, this.audit, (action, result) =>
        metrics.result(accountConfig.provider, accountConfig.id, action, result),
      ),
    };
  }
}
