import { BullModule } from '@nestjs/bullmq';
import type { DynamicModule, Provider } from '@nestjs/common';
import { GatewayConfig } from '@app/config';
import { StoreBundle } from '@app/store';
import { BullOperationQueue, chunkWorker } from './bull-operation-queue';
import { MemoryOperationQueue } from './memory-operation-queue';
import { OperationSweeper } from './operation-sweeper';
import { OPERATION_QUEUE, OPERATIONS_QUEUE_NAME } from './operation-queue';

/**
 * With Redis: BullMQ through @nestjs/bullmq, durable and shared by every replica. Without: the
 * in-process queue behind the same port. BullMQ gets the store's kind of connection (one node,
 * Sentinel or Cluster) rather than the store's client, so its connections are its own (its worker
 * needs blocking commands without a retry limit; its queue fails fast like the store).
 */
export function operationsInfrastructure(
  store: StoreBundle,
  config: GatewayConfig,
): { imports: DynamicModule[]; providers: Provider[] } {
  if (!store.redis || !store.redisConnection) {
    return { imports: [], providers: [{ provide: OPERATION_QUEUE, useClass: MemoryOperationQueue }] };
  }
  const connection = store.redisConnection;
  const { settings } = config;
  return {
    imports: [
      // The hash tag keeps each queue's keys in one Redis Cluster slot, as BullMQ requires.
      BullModule.forRoot({
        connection: connection.forBullMQ('fail-fast'),
        prefix: `${store.keyPrefix}{bull}`,
      }),
      BullModule.registerQueue({ name: OPERATIONS_QUEUE_NAME }),
    ],
    providers: [
      BullOperationQueue,
      { provide: OPERATION_QUEUE, useExisting: BullOperationQueue },
      // Resumes active operations whose chunk job Redis lost (an older snapshot, a Cluster node).
      OperationSweeper,
      chunkWorker({
        concurrency: settings.operationWorkers,
        lockMs: settings.operationLockMs,
        connection: connection.forBullMQ('blocking'),
      }),
    ],
  };
}
