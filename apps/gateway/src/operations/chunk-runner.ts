import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '@app/config';
import { isTerminal, StoreBundle } from '@app/store';
import { AccountRegistry } from '../accounts/account-registry';
import { OperationMetrics } from '../metrics/operation-metrics';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';
import { NumberDeleter } from './number-deleter';
import { OPERATION_QUEUE, OperationQueue } from './operation-queue';

/** How often a running chunk looks for a cancel (or a failure another chunk recorded). */
const STOP_CHECK_MS = 250;

/**
 * Runs one chunk of a bulk delete, on whichever replica took it. Numbers that already have an
 * outcome are skipped, so a chunk resumed after a crash re-sends only the numbers that were in flight.
 * When the chunk is done it queues the next one at the back of the queue, so operations sharing an
 * account take turns instead of running one after another.
 */
@Injectable()
export class ChunkRunner {
  private readonly deleter: NumberDeleter;
  private readonly inFlight: number;

  constructor(
    @Inject(STORE_BUNDLE) private readonly store: StoreBundle,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(OPERATION_QUEUE) private readonly queue: OperationQueue,
    private readonly accounts: AccountRegistry,
    private readonly metrics: OperationMetrics,
    @InjectPinoLogger('operations') private readonly logger: PinoLogger,
  ) {
    this.deleter = new NumberDeleter({ retryForMs: config.settings.operationRetryForMs });
    this.inFlight = config.settings.operationNumbersInFlight;
  }

  async run(operationId: string, chunkIndex: number): Promise<void> {
    const { operations } = this.store;
    let operation = await operations.get(operationId);
    if (!operation || isTerminal(operation.status)) return;
    const account = this.accounts.get(operation.accountId);
    if (!account) {
      await operations.transition(operationId, 'failed', {
        code: 'account_not_found',
        detail: `Account "${operation.accountId}" is no longer configured`,
      });
      return;
    }
    if (operation.status === 'queued')
      operation = (await operations.transition(operationId, 'running')) ?? operation;

    const numbers = await operations.chunk(operationId, chunkIndex);
    const recorded = await operations.recordedAmong(
      operationId,
      numbers.map((n) => n.index),
    );
    const todo = numbers.filter((n) => !recorded.has(n.index));
    const stop = new AbortController();
    const watcher = this.watchForStop(operationId, stop);
    try {
      await runPool(todo, this.inFlight, stop.signal, async ({ index, phoneNumber }) => {
        const attempt = await operations.markAttempt(operationId, index);
        const result = await this.deleter.delete({
          account,
          campaignId: operation.campaignId,
          selection: operation.selection,
          phoneNumber,
          triedBefore: attempt > 1,
          signal: stop.signal,
        });
        if (result.kind === 'operation_failed') {
          if (stop.signal.aborted) return; // another lane of this chunk already stopped it
          stop.abort();
          await operations.transition(operationId, 'failed', result.error);
          this.metrics.operationEnded(account.id, 'failed');
          this.logger.warn({ operationId, error: result.error }, 'operation failed');
        } else if (result.kind === 'outcome') {
          const written = await operations.recordOutcome(operationId, {
            index,
            phoneNumber,
            ...result.outcome,
          });
          if (written.recorded) {
            this.metrics.numberRecorded(account.id, result.outcome.outcome);
            const { progress, status } = written.operation;
            if (status === 'completed' && progress.processed === progress.total) {
              this.metrics.operationEnded(account.id, 'completed');
            }
          }
        }
      });
    } finally {
      clearInterval(watcher);
    }
    if (!stop.signal.aborted && chunkIndex + 1 < operation.chunkCount) {
      await this.queue.enqueueChunk(operationId, chunkIndex + 1);
    }
  }

  /** Aborts the chunk's calls and waits as soon as the operation is cancelled or failed elsewhere. */
  private watchForStop(operationId: string, stop: AbortController): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.store.operations.get(operationId).then(
        (operation) => {
          if (!operation || isTerminal(operation.status)) stop.abort();
        },
        () => undefined, // the store is down: the calls themselves will fail and the job is retried
      );
    }, STOP_CHECK_MS);
    timer.unref();
    return timer;
  }
}

/** Runs `work` over `items` with at most `size` at once, taking no new item once `signal` aborts. */
async function runPool<T>(
  items: T[],
  size: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length && !signal.aborted) await work(items[next++]);
  });
  await Promise.all(lanes);
}
