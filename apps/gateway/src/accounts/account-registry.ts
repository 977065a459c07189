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
  /** Set when the account sends bulk operations through the vendor's batch delete too. */
  readonly batch?: {
    readonly rateLimit: RateLimit;
    readonly marginMs: number;
    /** Most numbers one batch call takes. */
    readonly maxNumbers: number;
  };
}

/** Limiter key of an account's batch budget (and of its one-batch-at-a-time lease). */
export function batchLimiterKey(accountId: string): string {
  return `${accountId}:batch`;
}

/** How long a batch call's lease lasts beyond the vendor's timeout, should its replica die mid-call. */
const BATCH_LEASE_SLACK_MS = 5_000;
/** The timeout assumed when an account sets none (adapters default lower). */
const DEFAULT_VENDOR_TIMEOUT_MS = 30_000;

function assertBulkDeleteSupported(accounts: BaseAccountConfig[]): void {
  accounts.forEach((account, index) => {
    if (account.bulkDelete === undefined) return;
    if (PROVIDER_REGISTRY[account.provider].descriptor.batchDelete) return;
    const able = Object.values(PROVIDER_REGISTRY)
      .filter((registration) => registration.descriptor.batchDelete)
      .map((registration) => registration.descriptor.name);
    throw new ConfigError(
      `accounts[${index}].bulkDelete`,
      `is not available on ${account.provider} accounts (only ${able.join(', ')}): the vendor has no batch delete call`,
    );
  });
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
    assertBulkDeleteSupported(config.accounts);
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
    const batchDescriptor = registration.descriptor.batchDelete;
    let batch: Account['batch'];
    let batchGate: BudgetGate | undefined;
    if (accountConfig.bulkDelete && batchDescriptor) {
      const configuredBatch = accountConfig.bulkDelete.rateLimit;
      const batchLimit = configuredBatch
        ? { limit: configuredBatch.limit, windowMs: configuredBatch.windowMs }
        : batchDescriptor.defaultRateLimit;
      const batchMargin = configuredBatch?.marginMs ?? defaultMarginMs(batchLimit.windowMs);
      batch = { rateLimit: batchLimit, marginMs: batchMargin, maxNumbers: batchDescriptor.maxNumbers };
      batchGate = new BudgetGate(store.rateLimiter, {
        key: batchLimiterKey(accountConfig.id),
        limit: batchLimit,
        marginMs: batchMargin,
        // The vendor refuses a new batch while one is processed: one at a time, over every replica.
        exclusive: {
          leaseMs: (accountConfig.timeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS) + BATCH_LEASE_SLACK_MS,
        },
      });
    }
    const adapter = registration.createAdapter(accountConfig, {
      gate,
      ...(batchGate ? { batchGate } : {}),
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
      ...(batch ? { batch } : {}),
    };
  }
}
