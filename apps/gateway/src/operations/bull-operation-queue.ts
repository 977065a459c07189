import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { DelayedError, type Job, type Queue } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { ConnectionOptions } from 'bullmq';
import { GatewayError } from '@app/core';
import { Draining } from '../shutdown/draining';
import { ChunkRunner } from './chunk-runner';
import { ChunkJob, OPERATIONS_QUEUE_NAME, OperationQueue } from './operation-queue';

/** Runs of one chunk in a row after finding its hold lapsed while BullMQ's lock was still ours. */
const MAX_RERUNS_AFTER_LAPSE = 3;

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
          // BullMQ ignores a job whose id it already holds.
          jobId: chunkJobId(operationId, chunkIndex),
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

  /**
   * Queues the chunk unless its job is waiting, delayed or running; true when it had to. A job that
   * ended (completed or failed) is removed first, since BullMQ ignores an id it still holds.
   */
  async ensureChunk(operationId: string, chunkIndex: number): Promise<boolean> {
    const jobId = chunkJobId(operationId, chunkIndex);
    const state = await this.queue.getJobState(jobId);
    if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return false;
    // Removing fails harmlessly (0) when another replica's worker took the job meanwhile.
    if (state !== 'unknown') await this.queue.remove(jobId);
    await this.enqueueChunk(operationId, chunkIndex);
    return true;
  }
}

/** One job id per chunk; ':' is reserved in BullMQ's ids. */
function chunkJobId(operationId: string, chunkIndex: number): string {
  return `${operationId}-chunk-${chunkIndex}`;
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
      draining: Draining,
    ) {
      super();
      this.warnOnce = onceEach((message) =>
        // BullMQ's words when a job it was running is no longer in Redis.
        /^Missing key for job /.test(message)
          ? logger.warn(
              { message },
              'a chunk job is gone from Redis (restarted without its data?): the chunk ends here; if its operation is still in the store, the sweep queues the chunk again',
            )
          : logger.warn({ message }, 'operations worker: Redis error'),
      );
      // On shutdown: take no more jobs, and hand the running ones back now (deferred, due at once) rather
      // than leave them locked until the lock lapses. close() waits for them to leave the worker.
      draining.onStart(async () => {
        this.runner.handBack();
        await this.worker.close();
      });
    }

    @OnWorkerEvent('error')
    onError(error: Error): void {
      this.warnOnce(error.message);
    }

    /**
     * Runs the chunk. One that would only wait (budget, outage, an account this replica lacks) goes
     * back to BullMQ's delayed set until it can go on (BullMQ's pattern for rate-limited jobs:
     * moveToDelayed, then DelayedError), so this worker takes other work meanwhile.
     */
    async process(job: Job<ChunkJob>, token?: string): Promise<void> {
      for (let run = 0; ; run++) {
        const result = await this.runner.run(job.data, randomUUID());
        if (result.kind === 'done') return;
        if (result.kind === 'lost') {
          // A hold that lapsed with nobody taking it (the process stalled) while BullMQ still gives the
          // job to this worker: take it again. Otherwise another worker has the chunk; leave it.
          const stillOurs = token ? await job.extendLock(token, options.lockMs).catch(() => 0) : 0;
          if (stillOurs && run < MAX_RERUNS_AFTER_LAPSE) continue;
          return;
        }
        await job.updateData(result.job);
        await job.moveToDelayed(result.untilMs, token);
        throw new DelayedError();
      }
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
