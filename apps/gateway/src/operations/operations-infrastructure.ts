import { BullModule } from '@nestjs/bullmq';
import type { DynamicModule, Provider } from '@nestjs/common';
import type { RedisOptions } from 'bullmq';
import { GatewayConfig } from '@app/config';
import { StoreBundle } from '@app/store';
import { BullOperationQueue, chunkWorker } from './bull-operation-queue';
import { MemoryOperationQueue } from './memory-operation-queue';
import { OPERATION_QUEUE, OPERATIONS_QUEUE_NAME } from './operation-queue';

/**
 * With Redis: BullMQ through @nestjs/bullmq, durable and shared by every replica. Without: the
 * in-process queue behind the same port. BullMQ gets connection settings rather than the store's
 * client, so it opens and closes its own connections (its worker needs blocking commands without a
 * retry limit; its queue fails fast like the store).
 */
export function operationsInfrastructure(
  store: StoreBundle,
  config: GatewayConfig,
): { imports: DynamicModule[]; providers: Provider[] } {
  if (!store.redis) {
    return { imports: [], providers: [{ provide: OPERATION_QUEUE, useClass: MemoryOperationQueue }] };
  }
  const base: RedisOptions = { ...store.redis.options } as RedisOptions;
  const { settings } = config;
  return {
    imports: [
      // The hash tag keeps each queue's keys in one Redis Cluster slot, as BullMQ requires.
      BullModule.forRoot({ connection: base, prefix: `${store.keyPrefix}{bull}` }),
      BullModule.registerQueue({ name: OPERATIONS_QUEUE_NAME }),
    ],
    providers: [
      { provide: OPERATION_QUEUE, useClass: BullOperationQueue },
      chunkWorker({
        concurrency: settings.operationWorkers,
        lockMs: settings.operationLockMs,
        connection: {
          ...base,
          maxRetriesPerRequest: null,
          enableOfflineQueue: true,
          commandTimeout: undefined,
        },
      }),
    ],
  };
}
