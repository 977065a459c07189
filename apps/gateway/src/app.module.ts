import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { GatewayConfig } from '@app/config';
import { RedisKeyspace, RedisThrottlerStorage, StoreBundle } from '@app/store';
import { AccountRegistry } from './accounts/account-registry';
import { AccountsController } from './accounts/accounts.controller';
import { AccountAccess } from './auth/account-access';
import { ClientAuthGuard } from './auth/client-auth.guard';
import { CallbacksController } from './callbacks/callbacks.controller';
import { CallbacksService } from './callbacks/callbacks.service';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsService } from './campaigns/campaigns.service';
import { ContactsController } from './contacts/contacts.controller';
import { ContactsService } from './contacts/contacts.service';
import { HealthController } from './health/health.controller';
import { CallContexts } from './http/call-contexts';
import { loggerOptions } from './logging/logger-options';
import { BudgetMetrics } from './metrics/budget-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics-registry';
import { OperationMetrics } from './metrics/operation-metrics';
import { VendorMetrics } from './metrics/vendor-metrics';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { ReplayStoredResponseFilter } from './idempotency/replay-stored-response';
import { ChunkRunner } from './operations/chunk-runner';
import { OperationsController } from './operations/operations.controller';
import { operationsInfrastructure } from './operations/operations-infrastructure';
import { OperationsService } from './operations/operations.service';
import { ProblemFilter } from './problems/problem.filter';
import { ProblemsController } from './problems/problems.controller';
import { Draining } from './shutdown/draining';
import { ClientThrottlerGuard, INBOUND_POLICY } from './throttling/client-throttler.guard';
import { GATEWAY_CONFIG, STORE_BUNDLE } from './tokens';

export interface AppModuleOptions {
  config: GatewayConfig;
  store: StoreBundle;
  logLevel?: string;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: DestinationStream;
}

@Module({})
export class AppModule {
  /** Configuration and store are built before Nest starts, so a bad file fails before any port opens. */
  static forRoot(options: AppModuleOptions): DynamicModule {
    const operations = operationsInfrastructure(options.store, options.config);
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(options.logLevel, options.logStream)),
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRoot({
          throttlers: [
            {
              name: INBOUND_POLICY,
              limit: options.config.settings.inboundRateLimit.limit,
              ttl: options.config.settings.inboundRateLimit.windowMs,
            },
          ],
          setHeaders: false,
          // Shared by every replica when there is Redis; per process otherwise.
          storage: inboundThrottlerStorage(options.store),
        }),
        ...operations.imports,
      ],
      controllers: [
        AccountsController,
        CampaignsController,
        ContactsController,
        CallbacksController,
        OperationsController,
        HealthController,
        MetricsController,
        ProblemsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: options.config },
        { provide: STORE_BUNDLE, useValue: options.store },
        Draining,
        AccountRegistry,
        AccountAccess,
        ClientAuthGuard,
        CallContexts,
        CampaignsService,
        ContactsService,
        CallbacksService,
        MetricsRegistry,
        VendorMetrics,
        BudgetMetrics,
        OperationMetrics,
        ProblemFilter,
        ReplayStoredResponseFilter,
        ClientThrottlerGuard,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        OperationsService,
        ChunkRunner,
        ...operations.providers,
      ],
    };
  }
}

/** Redis' when there is Redis, so replicas share each client's budget; undefined is the module's own memory. */
function inboundThrottlerStorage(store: StoreBundle): ThrottlerStorage | undefined {
  if (!store.redis) return undefined;
  return new RedisThrottlerStorage(
    store.redis,
    new RedisKeyspace(store.keyPrefix),
  ) satisfies ThrottlerStorage;
}
