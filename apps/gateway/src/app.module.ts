import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { GatewayConfig } from '@app/config';
import { StoreBundle } from '@app/store';
import { AccountsModule } from './accounts/accounts.module';
import { CallbacksModule } from './callbacks/callbacks.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ContactsModule } from './contacts/contacts.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { InfrastructureModule } from './infrastructure.module';
import { ObservabilityModule } from './observability/observability.module';
import { OperationsModule } from './operations/operations.module';
import { ProblemsModule } from './problems/problems.module';

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
    return {
      module: AppModule,
      // In the order the OpenAPI document lists their routes (Nest scans modules in import order).
      imports: [
        InfrastructureModule.forRoot(options),
        AccountsModule,
        CampaignsModule,
        ContactsModule,
        CallbacksModule,
        OperationsModule.forRoot(options.store, options.config),
        ObservabilityModule.forRoot(options),
        ProblemsModule,
        IdempotencyModule,
      ],
    };
  }
}
