import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { ConnectionOptions } from 'bullmq';
import { GatewayError } from '@app/core';
import { ChunkRunner } from './chunk-runner';
import { ChunkJob, OPERATIONS_QUEUE_NAME, OperationQueue } from './operation-queue';

/** Completed chunk ids are kept this long, so queuing a chunk twice (a resumed chunk chains again) is a no-op. */
const KEEP_COMPLETED_S = 3600;

/** Chunks as BullMQ jobs: durable in Redis, taken by any replica's worker, resumed after a crash. */
@Injectable()
export class BullOperationQueue implements OperationQueue {
  constructor(
    @InjectQueue(OPERATIONS_QUEUE_NAME) private readonly queue: Queue<ChunkJob>,
    @InjectPinoLogger('operations') logger: PinoLogger,
  ) {
    // Connection errors while Redis is down repeat every reconnect; without a listener BullMQ prints each.
    queue.on(
      'error',
      onceEach((message) => logger.warn({ message }, 'operations queue: Redis error')),
    );
  }

  async enqueueChunk(operationId: string, chunkIndex: number): Promise<void> {
    try {
      await this.queue.add(
        'chunk',
        { operationId, chunkIndex },
        {
          // BullMQ ignores a job whose id it already holds; ':' is reserved in its ids.
          jobId: `${operationId}-chunk-${chunkIndex}`,
          removeOnComplete: { age: KEEP_COMPLETED_S },
          removeOnFail: { age: 24 * 3600 },
          // A job fails only when the store does; vendor trouble is handled inside the chunk.
          attempts: 100,
          backoff: { type: 'exponential', delay: 1000 },
        },
      );
    } catch (error) {
      throw new GatewayError('store_unavailable', 'The gateway store cannot be reached; nothing was sent', {
        cause: error,
      });
    }
  }
}

export interface ChunkWorkerOptions {
  concurrency: number;
  lockMs: number;
  connection: ConnectionOptions;
}

/**
 * The BullMQ worker, configured at start: how many chunks this replica runs at once, and how long its
 * hold on a chunk lasts without renewal (BullMQ renews it while the chunk runs; a killed replica's
 * chunk goes back to the queue for another worker once it lapses).
 */
export function chunkWorker(options: ChunkWorkerOptions) {
  @Processor(OPERATIONS_QUEUE_NAME, {
    concurrency: options.concurrency,
    // Stored on each job as `processedBy`: which replica holds a chunk, for operators and tests.
    name: `${hostname()}:${process.pid}`,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(1000, Math.floor(options.lockMs / 2)),
    // A chunk may be stalled by several crashes in a row; it must still finish.
    maxStalledCount: 100,
    connection: options.connection,
  })
  class ChunkWorker extends WorkerHost {
    private readonly warnOnce: (error: Error | string) => void;

    constructor(
      private readonly runner: ChunkRunner,
      @InjectPinoLogger('operations') logger: PinoLogger,
    ) {
      super();
      this.warnOnce = onceEach((message) => logger.warn({ message }, 'operations worker: Redis error'));
    }

    @OnWorkerEvent('error')
    onError(error: Error): void {
      this.warnOnce(error.message);
    }

    async process(job: Job<ChunkJob>): Promise<void> {
      await this.runner.run(job.data.operationId, job.data.chunkIndex);
    }
  }
  return ChunkWorker;
}

/** Calls `log` for a message only when it differs from the previous one. */
function onceEach(log: (message: string) => void): (error: Error | string) => void {
  let last = '';
  return (error) => {
    const message = typeof error === 'string' ? error : error.message;
    if (message !== last) log(message);
    last = message;
  };
}
