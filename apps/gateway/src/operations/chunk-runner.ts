import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayConfig } from '@app/config';
import { ContactError, GatewayError } from '@app/core';
import { ChunkHold, isTerminal, NumberOutcome, OperationRecord, StoreBundle } from '@app/store';
import { Account, AccountRegistry } from '../accounts/account-registry';
import { OperationMetrics } from '../metrics/operation-metrics';
import { linkTo } from '../telemetry/telemetry';
import { inWorkScope } from '../telemetry/work-scope';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';
import { BatchDeleter } from './batch-deleter';
import { NumberDeleter, SHORT_WAIT_MS } from './number-deleter';
import { oneMoreRetry, OutageState } from './vendor-failure';
import { ChunkJob, ChunkResult, DeferReason, OPERATION_QUEUE, OperationQueue } from './operation-queue';

/** How often a running chunk renews its hold and looks for a cancel (or a failure another chunk recorded). */
const HOLD_CHECK_MS = 250;

/**
 * How much sooner than its wait a set-aside chunk comes back: being taken by a worker and reading the
 * chunk costs a few round trips, and the rest of the wait is spent on the worker (it is below
 * SHORT_WAIT_MS).
 */
const WAKE_EARLY_MS = 200;

/** How long a chunk whose account this replica does not know steps aside before another look. */
const UNKNOWN_ACCOUNT_RETRY_MS = 5_000;

const tracer = trace.getTracer('campaign-gateway/operations');

/** One way of sending of a run (one number per call, or batches): when it may go on, once it must wait. */
interface PathState {
  readyAt?: number;
  reason?: DeferReason;
}

/** What one run of a chunk found out, shared by its lanes. */
interface RunState {
  stop: AbortController;
  lost: boolean;
  /** The operation's record is gone from the store (Redis lost its data, or it expired). */
  vanished: boolean;
  /** Set when the whole run stops between numbers (a shutdown hands it back). */
  deferUntil?: number;
  deferReason?: DeferReason;
  outage?: OutageState;
  /** The one-number path, and the batch path of an account with a batch delete. */
  single: PathState;
  batch: PathState & { outage?: OutageState; off?: boolean; inFlight?: Promise<void> };
  /** A number taken by the one-number path that has to be sent again in a later run. */
  dropped: boolean;
  /** One-number lanes still working. */
  singleLanes: number;
}

/**
 * The numbers of a run not yet taken: the one-number path takes from the front, batches from the back,
 * so both can work at once without ever taking the same number.
 */
class RunQueue<T> {
  private front = 0;
  private back: number;
  constructor(private readonly items: T[]) {
    this.back = items.length;
  }
  get size(): number {
    return this.back - this.front;
  }
  takeFront(): T | undefined {
    return this.front < this.back ? this.items[this.front++] : undefined;
  }
  /** Up to `count` from the back, in their order. */
  takeBack(count: number): T[] {
    const taken = this.items.slice(Math.max(this.front, this.back - count), this.back);
    this.back -= taken.length;
    return taken;
  }
  /** Puts back the last batch taken from the back (nothing took from the back since). */
  putBack(count: number): void {
    this.back += count;
  }
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
  private readonly batchDeleter: BatchDeleter;
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
    this.batchDeleter = new BatchDeleter({ retryForMs: config.settings.operationRetryForMs });
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
    const todo = new RunQueue(numbers.filter((n) => !recorded.has(n.index)));
    const state: RunState = {
      stop: new AbortController(),
      lost: false,
      vanished: false,
      outage: job.outage,
      single: {},
      batch: { outage: job.batchOutage, off: !batchesFit(account, operation) },
      dropped: false,
      singleLanes: 0,
    };
    if (this.handingBack) handBackNow(state);
    const watcher = this.watchHold(operation.id, hold, state);
    this.running.add(state);
    const current = operation;
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
            Promise.all([
              runSingles(todo, this.config.settings.operationNumbersInFlight, state, (number) =>
                this.sendOne(current, account, hold, number, state),
              ),
              this.runBatches(current, account, hold, todo, state),
            ]),
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
    const wait = deferral(state, todo.size > 0);
    if (wait) {
      const carried: ChunkJob = {
        operationId: job.operationId,
        chunkIndex: job.chunkIndex,
        outage: state.outage,
        ...(state.batch.outage ? { batchOutage: state.batch.outage } : {}),
      };
      if (wait.reason === 'shutdown') this.handedBack++;
      return this.defer(account.id, carried, wait.until, wait.reason);
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
      if (!singlesGoing(state)) {
        state.dropped = true;
        return;
      }
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
          await this.record(operation, account, { index, phoneNumber, ...result.outcome }, state);
          return;
        }
        case 'operation_failed':
          await this.fail(operation, account, result.error, state);
          return;
        case 'lost':
          this.loseHold(operation.id, state);
          return;
        case 'retry':
          if (result.reason === 'outage') {
            state.outage = oneMoreRetry(state.outage);
          }
          if (result.afterMs <= SHORT_WAIT_MS) {
            if (await sleep(result.afterMs, false, { signal: state.stop.signal }).catch(() => true)) return;
            continue;
          }
          pathWaits(state.single, result.afterMs, result.reason);
          state.dropped = true;
          return;
        case 'recorded':
        case 'stopped':
          return;
      }
    }
  }

  /**
   * The batch path of a run: whenever the account's batch budget and its one-batch-at-a-time lease are
   * free, takes up to a batch of numbers nobody took from the back of the chunk and deletes them in one
   * vendor call, until the chunk has no untaken number, the run stops, or the batch path has to wait
   * longer than a short moment (then the run goes on with the one-number path, if that still can).
   */
  private async runBatches(
    operation: OperationRecord,
    account: Account,
    hold: ChunkHold,
    todo: RunQueue<{ index: number; phoneNumber: string }>,
    state: RunState,
  ): Promise<void> {
    const batch = account.batch;
    if (!batch) return;
    const { operations } = this.store;
    while (batchesGoing(state) && todo.size > 0) {
      const numbers = todo.takeBack(batch.maxNumbers);
      let settle!: () => void;
      state.batch.inFlight = new Promise((resolve) => (settle = resolve));
      let result;
      try {
        result = await this.batchDeleter.delete({
          account,
          campaignId: operation.campaignId,
          numbers,
          tenant: operation.clientId,
          requestId: `operation:${operation.id}`,
          claim: (indexes) =>
            operations.claimSendMany(operation.id, indexes, hold).catch((error: unknown) => {
              if (!isGone(error)) throw error;
              this.vanish(state);
              return { kind: 'lost' as const };
            }),
          outage: state.batch.outage,
          signal: state.stop.signal,
        });
      } finally {
        state.batch.inFlight = undefined;
        settle();
      }
      switch (result.kind) {
        case 'deleted': {
          state.batch.outage = undefined;
          const byIndex = new Map(numbers.map((n) => [n.index, n.phoneNumber]));
          await Promise.all(
            result.indexes.map((index) =>
              this.record(
                operation,
                account,
                { index, phoneNumber: byIndex.get(index) ?? '', outcome: 'deleted', via: 'batch' },
                state,
              ),
            ),
          );
          continue;
        }
        case 'operation_failed':
          await this.fail(operation, account, result.error, state);
          return;
        case 'lost':
          this.loseHold(operation.id, state);
          return;
        case 'recorded':
        case 'stopped':
          return;
        case 'back_to_singles':
          todo.putBack(numbers.length);
          state.batch.off = true;
          this.logger.warn(
            { operationId: operation.id, accountId: account.id, error: result.error },
            'the batch delete failed in a way the gateway cannot act on; its numbers go back to one call each',
          );
          return;
        case 'retry': {
          todo.putBack(numbers.length);
          if (result.reason === 'outage') {
            state.batch.outage = oneMoreRetry(state.batch.outage);
          }
          if (result.afterMs <= SHORT_WAIT_MS) {
            if (await sleep(result.afterMs, false, { signal: state.stop.signal }).catch(() => true)) return;
            continue;
          }
          const readyAt = Date.now() + result.afterMs;
          // Wait on the worker while the one-number path still works; else the run ends and the chunk
          // comes back when the first path can go on.
          while (Date.now() < readyAt && batchesGoing(state) && state.singleLanes > 0 && todo.size > 0) {
            const pause = Math.min(SHORT_WAIT_MS, readyAt - Date.now());
            if (await sleep(pause, false, { signal: state.stop.signal }).catch(() => true)) return;
          }
          if (Date.now() < readyAt - WAKE_EARLY_MS) {
            pathWaits(state.batch, readyAt - Date.now(), result.reason);
            return;
          }
          continue;
        }
      }
    }
  }

  /** Records one number's outcome (once), and counts it. */
  private async record(
    operation: OperationRecord,
    account: Account,
    outcome: NumberOutcome,
    state: RunState,
  ): Promise<void> {
    const written = await this.store.operations
      .recordOutcome(operation.id, outcome)
      .catch((error: unknown) => {
        if (!isGone(error)) throw error;
        this.vanish(state);
        return undefined;
      });
    if (!written?.recorded) return;
    this.metrics.numberRecorded(account.id, outcome.outcome);
    const { progress, status } = written.operation;
    if (status === 'completed' && progress.processed === progress.total) {
      this.metrics.operationEnded(account.id, 'completed');
    }
  }

  private async fail(
    operation: OperationRecord,
    account: Account,
    error: ContactError,
    state: RunState,
  ): Promise<void> {
    if (state.stop.signal.aborted) return; // another lane of this chunk already stopped it
    state.stop.abort();
    await this.store.operations.transition(operation.id, 'failed', error);
    this.metrics.operationEnded(account.id, 'failed');
    this.logger.warn({ operationId: operation.id, error }, 'operation failed');
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

/** Notes that a path must wait, keeping the earliest time any of its lanes could go on. */
function pathWaits(path: PathState, afterMs: number, reason: DeferReason): void {
  // Back on a worker a little early, so the wake-up's own delay does not leave the grant unused.
  const until = Date.now() + afterMs - WAKE_EARLY_MS;
  if (path.readyAt === undefined || until < path.readyAt) {
    path.readyAt = until;
    path.reason = reason;
  }
}

function singlesGoing(state: RunState): boolean {
  return !state.stop.signal.aborted && state.deferUntil === undefined && state.single.readyAt === undefined;
}

function batchesGoing(state: RunState): boolean {
  return (
    !state.stop.signal.aborted &&
    state.deferUntil === undefined &&
    state.batch.readyAt === undefined &&
    state.batch.off !== true
  );
}

/**
 * Whether the run ends with its chunk set aside, and until when: when it was handed back, or when
 * numbers are left (untaken, or dropped by a path that has to wait), until the first path can go on.
 */
function deferral(state: RunState, untaken: boolean): { until: number; reason: DeferReason } | undefined {
  if (state.deferUntil !== undefined)
    return { until: state.deferUntil, reason: state.deferReason ?? 'budget' };
  if (!untaken && !state.dropped) return undefined;
  // A path that is not waiting could go on at once (it stopped only for lack of numbers).
  const paths = [state.single, ...(state.batch.off ? [] : [state.batch])];
  const now = Date.now();
  const ready = paths.map((path) => ({ until: path.readyAt ?? now, reason: path.reason ?? 'budget' }));
  return ready.reduce((a, b) => (b.until < a.until ? b : a));
}

/**
 * A batch delete sends the numbers alone (no per-number options), so only an operation without options
 * may use it; and only on an account that turned it on.
 */
function batchesFit(account: Account, operation: OperationRecord): boolean {
  if (!account.batch || !account.adapter.deleteContactsBatch) return false;
  return Object.values(operation.selection).every(
    (value) => value === undefined || value === false || value === '',
  );
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

/**
 * The one-number path: `size` lanes take numbers from the front until none is left, the run stops, or
 * the path has to wait. A lane that finds none left waits for a batch in flight, whose numbers come
 * back if the batch could not be sent.
 */
async function runSingles<T>(
  todo: RunQueue<T>,
  size: number,
  state: RunState,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const lanes = Array.from({ length: Math.max(1, Math.min(size, todo.size)) }, async () => {
    state.singleLanes++;
    try {
      while (singlesGoing(state)) {
        const item = todo.takeFront();
        if (item !== undefined) {
          await work(item);
          continue;
        }
        const inFlight = state.batch.inFlight;
        if (!inFlight) return;
        await inFlight;
      }
    } finally {
      state.singleLanes--;
    }
  });
  await Promise.all(lanes);
}
