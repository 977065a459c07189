import { DynamicModule, Module } from '@nestjs/common';
import { GatewayConfig } from '@app/config';
import { StoreBundle } from '@app/store';
import { AccountsModule } from '../accounts/accounts.module';
import { ChunkRunner } from './chunk-runner';
import { operationsInfrastructure } from './operations-infrastructure';
import { OperationsController } from './operations.controller';
import { OperationsService } from './operations.service';

/**
 * Bulk operations: their store records, the queue and workers that run their chunks, and the routes
 * that show and cancel them. The queue is BullMQ with Redis, in-process without (decided from the
 * store, hence forRoot).
 *
 * Global, so ContactsModule can start operations without importing this module: Nest scans an
 * imported module right after its importer, and the OpenAPI document lists routes in scan order, so an
 * import from ContactsModule would move the operations routes (and schemas) before the callbacks'.
 */
@Module({})
export class OperationsModule {
  static forRoot(store: StoreBundle, config: GatewayConfig): DynamicModule {
    const infrastructure = operationsInfrastructure(store, config);
    return {
      module: OperationsModule,
      global: true,
      imports: [AccountsModule, ...infrastructure.imports],
      controllers: [OperationsController],
      providers: [OperationsService, ChunkRunner, ...infrastructure.providers],
      exports: [OperationsService],
    };
  }
}
