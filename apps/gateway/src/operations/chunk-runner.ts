import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '@app/config';
import { GatewayError } from '@app/core';
import { ChunkHold, isTerminal, OperationRecord, StoreBundle } from '@app/store';
import { Account, AccountRegistry } from '../accounts/account-registry';
import { OperationMetrics } from '../metrics/operation-metrics';
import { linkTo } from '../telemetry/telemetry';
import { inWorkScope } from '../telemetry/work-scope';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';
import { NumberDeleter, OutageState, SHORT_WAIT_MS } from './number-deleter';
import { ChunkJob, ChunkResult, DeferReason, OPERATION_QUEUE, OperationQueue } from './operation-queue';

/** How often a running chunk renews its hold and looks for a cancel (or a failure another chunk recorded). */
const HOLD_CHECK_MS = 250;

/**
 * How much sooner than its wait a set-aside chunk comes back: being taken by a worker and reading the
 * chunk costs a few round trips, and the rest of the wait is spent on the worker (it is below
 * SHORT_WAIT_MS).
 */
const WAKE_EARLY_MS = 150;

/** How long a chunk whose account this replica does not know steps aside before another look. */
const UNKNOWN_ACCOUNT_RETRY_MS = 5_000;

const tracer = trace.getTracer('campaign-gateway/operations');

/** What one run of a chunk found out, shared by its lanes. */
interface RunState {
  stop: AbortController;
  lost: boolean;
  /** The operation's record is gone from the store (Redis lost its data, or it expired). */
  vanished: boolean;
  /** The earliest time a lane could go on, once one had to step aside. */
  deferUntil?: number;
  deferReason?: DeferReason;
  outage?: OutageState;
}

/**
 * Runs one chunk of a bulk delete, on whichever replica took it. Numbers that already have an
 * outcome are skipped, so a chunk resumed after a crash re-sends only the numbers that were in flight.
 * It never waits long on its worker: when the account's budget (or a vendor outage) makes it wait
 * longer than a short moment, it stops and asks its queue to run it again then, so the worker takes
 * work of other accounts meanwhile. When the chunk is done it queues the next one at the back.
 */
@Injectable()
export class ChunkRunner {
  private readonly deleter: NumberDeleter;
  /** The runs going on in this process, so a shutdown can hand them back. */
  private readonly running = new Set<RunState>();
  private handingBack = false;
  /** Chunks handed back to the queue by `handBack`, for the shutdown log. */
  handedBack = 0;

  constructor(
    @Inject(STORE_BUNDLE) private readonly store: StoreBundle,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(OPERATION_QUEUE) private readonly queue: OperationQueue,
    private readonly accounts: AccountRegistry,
    private readonly metrics: OperationMetrics,
    @InjectPinoLogger('operations') private readonly logger: PinoLogger,
  ) {
    this.deleter = new NumberDeleter({ retryForMs: config.settings.operationRetryForMs });
  }

  /**
   * For shutdown: every run stops between numbers (those in flight finish and are recorded) and asks
   * its queue to run the chunk again now, on any replica; runs that start later do the same at once.
   */
  handBack(): void {
    this.handingBack = true;
    for (const state of this.running) handBackNow(state);
  }

  /** Runs the chunk as `holder` (unique per run). */
  async run(job: ChunkJob, holder: string): Promise<ChunkResult> {
    if (this.handingBack) {
      this.handedBack++;
      return { kind: 'deferred', untilMs: Date.now(), job, reason: 'shutdown' };
    }
    const { operations } = this.store;
    let operation = await operations.get(job.operationId);
    if (!operation) return this.vanished(job);
    if (isTerminal(operation.status)) return { kind: 'done' };
    const account = this.accounts.get(operation.accountId);
    if (!account) return this.unknownAccount(job, operation);
    if (operation.status === 'queued')
      operation = (await operations.transition(operation.id, 'running')) ?? operation;

    const hold: ChunkHold = {
      chunkIndex: job.chunkIndex,
      holder,
      leaseMs: this.config.settings.operationLockMs,
    };
    try {
      await operations.holdChunk(operation.id, hold);
    } catch (error) {
      if (isGone(error)) return this.vanished(job, operation);
      throw error;
    }
    const numbers = await operations.chunk(operation.id, job.chunkIndex);
    const recorded = await operations.recordedAmong(
      operation.id,
      numbers.map((n) => n.index),
    );
    const todo = numbers.filter((n) => !recorded.has(n.index));
    const state: RunState = {
      stop: new AbortController(),
      lost: false,
      vanished: false,
      outage: job.outage,
    };
    if (this.handingBack) handBackNow(state);
    const watcher = this.watchHold(operation.id, hold, state);
    this.running.add(state);
    try {
      // A trace of its own per run of a chunk, linked to the request that started the operation: its
      // budget waits and vendor calls are in it, and its vendor log lines name the operation and chunk.
      await tracer.startActiveSpan(
        'operation chunk',
        {
          root: true,
          links: linkTo(operation.traceparent),
          attributes: {
            'gateway.operation.id': operation.id,
            'gateway.operation.chunk': job.chunkIndex,
            'gateway.account': account.id,
            'gateway.client': operation.clientId,
          },
        },
        (span) =>
          inWorkScope({ operationId: operation.id, chunkIndex: job.chunkIndex }, () =>
            runPool(todo, this.config.settings.operationNumbersInFlight, state, (number) =>
              this.sendOne(operation, account, hold, number, state),
            ),
          ).finally(() => span.end()),
      );
    } finally {
      clearInterval(watcher);
      this.running.delete(state);
    }
    // The account's queue shrinks by what this run did; a failure here only delays that figure.
    await operations.noteRemaining(operation.id).catch(() => undefined);

    if (state.vanished) return this.vanished(job, operation);
    if (state.lost) return { kind: 'lost' };
    if (state.stop.signal.aborted) return { kind: 'done' };
    if (state.deferUntil !== undefined) {
      const carried: ChunkJob = {
        operationId: job.operationId,
        chunkIndex: job.chunkIndex,
        outage: state.outage,
      };
      if (state.deferReason === 'shutdown') this.handedBack++;
      return this.defer(account.id, carried, state.deferUntil, state.deferReason ?? 'budget');
    }
    if (job.chunkIndex + 1 < operation.chunkCount) {
      await this.queue.enqueueChunk(operation.id, job.chunkIndex + 1);
    }
    return { kind: 'done' };
  }

  /** One number until it has an outcome, the chunk stops, or it has to step aside. */
  private async sendOne(
    operation: OperationRecord,
    account: Account,
    hold: ChunkHold,
    { index, phoneNumber }: { index: number; phoneNumber: string },
    state: RunState,
  ): Promise<void> {
    const { operations } = this.store;
    for (;;) {
      if (state.stop.signal.aborted || state.deferUntil !== undefined) return;
      const result = await this.deleter.delete({
        account,
        campaignId: operation.campaignId,
        selection: operation.selection,
        phoneNumber,
        tenant: operation.clientId,
        requestId: `operation:${operation.id}`,
        // A record gone before the send: nothing is sent, and the chunk stops.
        claim: () =>
          operations.claimSend(operation.id, index, hold).catch((error: unknown) => {
            if (!isGone(error)) throw error;
            this.vanish(state);
            return { kind: 'recorded' as const };
          }),
        outage: state.outage,
        signal: state.stop.signal,
      });
      switch (result.kind) {
        case 'outcome': {
          state.outage = undefined;
          const written = await operations
            .recordOutcome(operation.id, { index, phoneNumber, ...result.outcome })
            .catch((error: unknown) => {
              if (!isGone(error)) throw error;
              this.vanish(state);
              return undefined;
            });
          if (!written) return;
          if (written.recorded) {
            this.metrics.numberRecorded(account.id, result.outcome.outcome);
            const { progress, status } = written.operation;
            if (status === 'completed' && progress.processed === progress.total) {
              this.metrics.operationEnded(account.id, 'completed');
            }
          }
          return;
        }
        case 'operation_failed':
          if (state.stop.signal.aborted) return; // another lane of this chunk already stopped it
          state.stop.abort();
          await operations.transition(operation.id, 'failed', result.error);
          this.metrics.operationEnded(account.id, 'failed');
          this.logger.warn({ operationId: operation.id, error: result.error }, 'operation failed');
          return;
        case 'lost':
          this.loseHold(operation.id, state);
          return;
        case 'retry':
          if (result.reason === 'outage') {
            state.outage = {
              since: state.outage?.since ?? Date.now(),
              retries: (state.outage?.retries ?? 0) + 1,
            };
          }
          if (result.afterMs <= SHORT_WAIT_MS) {
            if (await sleep(result.afterMs, false, { signal: state.stop.signal }).catch(() => true)) return;
            continue;
          }
          stepAside(state, result.afterMs, result.reason);
          return;
        case 'recorded':
        case 'stopped':
          return;
      }
    }
  }

  /**
   * A replica whose configuration lacks the account (a rolling deploy) hands the chunk back for a
   * replica that has it; only when none took it for the grace period does the operation fail.
   */
  private async unknownAccount(job: ChunkJob, operation: OperationRecord): Promise<ChunkResult> {
    const since = job.unknownAccountSince ?? Date.now();
    const graceMs = this.config.settings.unknownAccountGraceMs;
    if (Date.now() - since >= graceMs) {
      const after = await this.store.operations.transition(operation.id, 'failed', {
        code: 'account_not_found',
        detail: `Account "${operation.accountId}" is not configured on any replica that took this operation for ${graceMs} ms`,
      });
      if (after?.status === 'failed') this.metrics.operationEnded(operation.accountId, 'failed');
      return { kind: 'done' };
    }
    this.logger.warn(
      { operationId: operation.id, accountId: operation.accountId },
      "this replica does not know the operation's account; handing the chunk back for one that does",
    );
    const untilMs = Date.now() + Math.min(UNKNOWN_ACCOUNT_RETRY_MS, graceMs - (Date.now() - since));
    return this.defer(
      operation.accountId,
      { ...job, unknownAccountSince: since },
      untilMs,
      'unknown_account',
    );
  }

  private defer(accountId: string, job: ChunkJob, untilMs: number, reason: DeferReason): ChunkResult {
    this.metrics.chunkDeferred(accountId, reason, Math.max(0, untilMs - Date.now()));
    return { kind: 'deferred', untilMs, job, reason };
  }

  /**
   * Renews the hold while the chunk runs, and aborts its calls and waits as soon as another worker took
   * the chunk or the operation was cancelled or failed elsewhere.
   */
  private watchHold(operationId: string, hold: ChunkHold, state: RunState): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.store.operations.renewHold(operationId, hold).then(
        ({ held, status }) => {
          if (status === undefined) this.vanish(state);
          else if (isTerminal(status)) state.stop.abort();
          else if (!held) this.loseHold(operationId, state);
        },
        () => undefined, // the store is down: the calls themselves will fail and the job is retried
      );
    }, HOLD_CHECK_MS);
    timer.unref();
    return timer;
  }

  private vanish(state: RunState): void {
    state.vanished = true;
    state.stop.abort();
  }

  /**
   * The operation's record is gone: Redis restarted without its data (no persistence), or the
   * operation outlived its retention. Nothing can be sent or recorded for it any more, so the chunk
   * ends here (no retry, no next chunk) and says so once; GET answers 404 for it.
   */
  private vanished(job: ChunkJob, operation?: OperationRecord): ChunkResult {
    this.metrics.chunkDropped(operation?.accountId);
    this.logger.warn(
      {
        operationId: job.operationId,
        chunkIndex: job.chunkIndex,
        ...(operation ? { accountId: operation.accountId } : {}),
      },
      'operation is gone from the store (Redis lost its data, or it expired): its chunk ends, and numbers without an outcome will not be sent',
    );
    return { kind: 'done' };
  }

  private loseHold(operationId: string, state: RunState): void {
    if (state.lost) return;
    state.lost = true;
    state.stop.abort();
    this.logger.warn({ operationId }, 'another worker holds this chunk now; this one stops sending');
  }
}

/** Notes that the chunk must step aside, keeping the earliest time any lane could go on. */
function stepAside(state: RunState, afterMs: number, reason: DeferReason): void {
  // Back on a worker a little early, so the wake-up's own delay does not leave the grant unused.
  const until = Date.now() + afterMs - WAKE_EARLY_MS;
  if (state.deferUntil === undefined || until < state.deferUntil) {
    state.deferUntil = until;
    state.deferReason = reason;
  }
}

/** Stops the run's lanes before their next number, to run the chunk again now (elsewhere). */
function handBackNow(state: RunState): void {
  state.deferUntil = Date.now();
  state.deferReason = 'shutdown';
}

/** The store says the operation does not exist (any more). */
function isGone(error: unknown): boolean {
  return error instanceof GatewayError && error.code === 'operation_not_found';
}

/** Runs `work` over `items` with at most `size` at once, taking no new item once the run stops or steps aside. */
async function runPool<T>(
  items: T[],
  size: number,
  state: RunState,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const going = () => next < items.length && !state.stop.signal.aborted && state.deferUntil === undefined;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (going()) await work(items[next++]);
  });
  await Promise.all(lanes);
}
