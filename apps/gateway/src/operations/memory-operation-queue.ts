import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '@app/config';
import { GATEWAY_CONFIG } from '../tokens';
import { ChunkJob, OperationQueue } from './operation-queue';
import { ChunkRunner } from './chunk-runner';

/**
 * The in-process queue for `npm start` without Redis: the same chunk runner behind the same port, a
 * fixed number of workers, FIFO. Work does not survive the process; that is what Redis mode is for.
 */
@Injectable()
export class MemoryOperationQueue implements OperationQueue, OnApplicationShutdown {
  private readonly waiting: ChunkJob[] = [];
  private readonly queued = new Set<string>();
  private busy = 0;
  private closed = false;
  private readonly workers: number;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly moduleRef: ModuleRef,
    @InjectPinoLogger('operations') private readonly logger: PinoLogger,
  ) {
    this.workers = config.settings.operationWorkers;
  }

  async enqueueChunk(operationId: string, chunkIndex: number): Promise<void> {
    const key = `${operationId}:${chunkIndex}`;
    if (this.closed || this.queued.has(key)) return;
    this.queued.add(key);
    this.waiting.push({ operationId, chunkIndex });
    this.drain();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  private drain(): void {
    while (this.busy < this.workers && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.busy++;
      // The runner depends on this queue to chain chunks, so it is looked up rather than injected.
      const runner = this.moduleRef.get(ChunkRunner, { strict: false });
      runner
        .run(job.operationId, job.chunkIndex)
        .catch((error: unknown) => this.retryLater(job, error))
        .finally(() => {
          this.busy--;
          this.queued.delete(`${job.operationId}:${job.chunkIndex}`);
          this.drain();
        });
    }
  }

  private retryLater(job: ChunkJob, error: unknown): void {
    this.logger.warn({ err: error, ...job }, 'chunk failed; retrying in 1 s');
    setTimeout(() => {
      this.queued.delete(`${job.operationId}:${job.chunkIndex}`);
      void this.enqueueChunk(job.operationId, job.chunkIndex);
    }, 1000).unref();
  }
}
