import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '@app/config';
import { Draining } from '../shutdown/draining';
import { GATEWAY_CONFIG } from '../tokens';
import { ChunkJob, OperationQueue } from './operation-queue';
import { ChunkRunner } from './chunk-runner';

/**
 * The in-process queue for `npm start` without Redis: the same chunk runner behind the same port, a
 * fixed number of workers, FIFO. A chunk that would only wait is set aside on a timer, off its worker,
 * as BullMQ's delayed set does. Work does not survive the process; that is what Redis mode is for.
 */
@Injectable()
export class MemoryOperationQueue implements OperationQueue, OnApplicationShutdown {
  private readonly waiting: ChunkJob[] = [];
  /** Chunks waiting, running or set aside, so queuing one again is a no-op. */
  private readonly queued = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private busy = 0;
  private closed = false;
  /** Settled whenever no chunk is running. */
  private idle = Promise.resolve();
  private becameIdle = () => undefined as void;
  private readonly workers: number;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly moduleRef: ModuleRef,
    @InjectPinoLogger('operations') private readonly logger: PinoLogger,
    draining: Draining,
  ) {
    this.workers = config.settings.operationWorkers;
    draining.onStart(() => this.stop());
  }

  /** Takes no more chunks and hands the running ones back; resolves once none runs. */
  async stop(): Promise<void> {
    this.onApplicationShutdown();
    this.moduleRef.get(ChunkRunner, { strict: false }).handBack();
    await this.idle;
  }

  async enqueueChunk(operationId: string, chunkIndex: number): Promise<void> {
    const key = keyOf({ operationId, chunkIndex });
    if (this.closed || this.queued.has(key)) return;
    this.queued.add(key);
    this.waiting.push({ operationId, chunkIndex });
    this.drain();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.waiting.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private drain(): void {
    while (!this.closed && this.busy < this.workers && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      if (this.busy++ === 0) this.idle = new Promise((resolve) => (this.becameIdle = resolve));
      void this.runOnce(job).finally(() => {
        if (--this.busy === 0) this.becameIdle();
        this.drain();
      });
    }
  }

  private async runOnce(job: ChunkJob): Promise<void> {
    // The runner depends on this queue to chain chunks, so it is looked up rather than injected.
    const runner = this.moduleRef.get(ChunkRunner, { strict: false });
    try {
      const result = await runner.run(job, randomUUID());
      // In one process nobody else can take the chunk: a lost hold lapsed, so the chunk runs again.
      if (result.kind === 'lost') this.later(job, Date.now());
      else if (result.kind === 'deferred') this.later(result.job, result.untilMs);
      else this.queued.delete(keyOf(job));
    } catch (error) {
      this.logger.warn({ err: error, ...job }, 'chunk failed; retrying in 1 s');
      this.later(job, Date.now() + 1000);
    }
  }

  /** Puts the chunk back in line at `atMs`, its place in `queued` kept meanwhile. */
  private later(job: ChunkJob, atMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.waiting.push(job);
        this.drain();
      },
      Math.max(0, atMs - Date.now()),
    );
    timer.unref();
    this.timers.add(timer);
  }
}

function keyOf(job: { operationId: string; chunkIndex: number }): string {
  return `${job.operationId}:${job.chunkIndex}`;
}
