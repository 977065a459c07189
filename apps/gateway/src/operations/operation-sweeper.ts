import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '@app/config';
import { isTerminal, OperationRecord, StoreBundle } from '@app/store';
import { OperationMetrics } from '../metrics/operation-metrics';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';
import { BullOperationQueue } from './bull-operation-queue';

/**
 * Finds active operations that lost their chunk job and queues the chunk again, so they resume.
 *
 * An operation's record and its BullMQ jobs live in the same Redis but not in one write: Redis
 * restored from an older snapshot, or a Cluster node that lost its slots, can keep an operation
 * `queued` or `running` with no job left to run it, and it would never progress. Every
 * `operationLockMs` each replica looks at the active operations of the accounts it serves; one that
 * recorded nothing for that long and whose current chunk has no job waiting, delayed or running gets
 * that chunk queued again. Chunks run in order and the next is queued only once every number of a
 * chunk has an outcome, so the current chunk is the one holding the first number without an outcome:
 * `floor(processed / chunkSize)`. The resumed chunk skips numbers that have an outcome and sends the
 * rest; one sent after the snapshot was taken is sent again (and one the vendor no longer has counts
 * as not found, since its first attempt was lost with the snapshot). Queuing is idempotent (one job id
 * per chunk), so replicas sweeping at once queue it once.
 */
@Injectable()
export class OperationSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private readonly everyMs: number;

  constructor(
    @Inject(STORE_BUNDLE) private readonly store: StoreBundle,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly queue: BullOperationQueue,
    private readonly metrics: OperationMetrics,
    @InjectPinoLogger('operations') private readonly logger: PinoLogger,
  ) {
    this.everyMs = config.settings.operationLockMs;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass over the accounts this replica serves; returns the operations whose chunk it queued again. */
  async sweep(): Promise<string[]> {
    if (this.sweeping) return [];
    this.sweeping = true;
    const resumed: string[] = [];
    try {
      for (const account of this.config.accounts) {
        const { operations } = await this.store.operations.queueOf(account.id);
        for (const { id } of operations) {
          if (await this.resumeIfStalled(id)) resumed.push(id);
        }
      }
    } catch {
      // The store is down: its own errors say so; the next pass tries again.
    } finally {
      this.sweeping = false;
    }
    return resumed;
  }

  private async resumeIfStalled(id: string): Promise<boolean> {
    const operation = await this.store.operations.get(id);
    if (!operation || isTerminal(operation.status) || !this.quietFor(operation)) return false;
    const chunkIndex = Math.min(
      operation.chunkCount - 1,
      Math.floor(operation.progress.processed / operation.chunkSize),
    );
    if (!(await this.queue.ensureChunk(id, chunkIndex))) return false;
    this.metrics.chunkRequeued(operation.accountId);
    this.logger.warn(
      {
        operationId: id,
        accountId: operation.accountId,
        chunkIndex,
        processed: operation.progress.processed,
        total: operation.progress.total,
      },
      'active operation had no chunk job (Redis lost part of its data); its chunk is queued again and it resumes',
    );
    return true;
  }

  /** Nothing recorded for an operation's lock time: a healthy chunk would have recorded or be queued. */
  private quietFor(operation: OperationRecord): boolean {
    return Date.now() - Date.parse(operation.updatedAt) >= this.everyMs;
  }
}
