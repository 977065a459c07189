import { ContactError, ContactOutcomeKind } from '@app/core';
import {
  AccountQueue,
  ChunkHold,
  isTerminal,
  NewOperation,
  NumberOutcome,
  OperationQuotas,
  OperationRecord,
  OperationStatus,
  OperationStore,
  RecordOutcomeResult,
  ResultsPage,
  SendClaim,
  BatchClaim,
} from '../ports/operation-store';
import {
  accountQuotaExceeded,
  checkIndex,
  checkNewOperation,
  chunkCountOf,
  clientQuotaExceeded,
  mayTransition,
  operationExists,
  operationNotFound,
  OUTCOME_COUNTER,
} from '../operations/operation-rules';
import { checkLimit, decodeCursor, encodeCursor } from '../operations/results-cursor';

type StoredOutcome = Omit<NumberOutcome, 'index'>;

interface Entry {
  record: OperationRecord;
  numbers: readonly string[];
  /** By index; a hole is a number without an outcome yet. */
  outcomes: (StoredOutcome | undefined)[];
  attempts: Map<number, number>;
  /** Chunk index → who holds it, until when. */
  holds: Map<number, { holder: string; until: number }>;
  expiresAt: number;
}

/** How often a create also drops operations nobody asked about since they expired. */
const SWEEP_EVERY_MS = 60_000;

/**
 * One process only: the in-memory twin of the Redis operation store, with the same rules. Nothing
 * here awaits between reading and writing, so each method is as atomic as its Redis script.
 */
export class MemoryOperationStore implements OperationStore {
  private readonly entries = new Map<string, Entry>();
  /** Account id → its active operations' numbers still waiting (the Redis store's `{acct:<id>}:queued`). */
  private readonly queues = new Map<string, Map<string, number>>();
  /** Client id → its active operation ids (the Redis store's `{client:<id>}:active`). */
  private readonly clientsActive = new Map<string, Set<string>>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  async create(
    operation: NewOperation,
    phoneNumbers: string[],
    retentionMs: number,
    quotas?: OperationQuotas,
  ): Promise<OperationRecord> {
    checkNewOperation(operation, retentionMs);
    this.sweepNowAndThen();
    if (this.live(operation.id)) throw operationExists(operation.id);
    if (quotas) this.admit(operation, phoneNumbers.length, quotas);
    const now = this.now();
    const at = new Date(now).toISOString();
    const record: OperationRecord = {
      id: operation.id,
      clientId: operation.clientId,
      accountId: operation.accountId,
      campaignId: operation.campaignId,
      // A copy, so a caller changing its object afterwards cannot change the stored operation.
      selection: structuredClone(operation.selection),
      chunkSize: operation.chunkSize,
      type: 'contacts.delete',
      status: 'queued',
      progress: {
        total: phoneNumbers.length,
        processed: 0,
        deleted: 0,
        notFound: 0,
        notDeletable: 0,
        failed: 0,
      },
      chunkCount: chunkCountOf(phoneNumbers.length, operation.chunkSize),
      createdAt: at,
      updatedAt: at,
    };
    if (operation.traceparent) record.traceparent = operation.traceparent;
    this.entries.set(operation.id, {
      record,
      numbers: [...phoneNumbers],
      outcomes: new Array<StoredOutcome | undefined>(phoneNumbers.length),
      attempts: new Map(),
      holds: new Map(),
      expiresAt: now + retentionMs,
    });
    this.accountQueue(operation.accountId).set(operation.id, phoneNumbers.length);
    setOf(this.clientsActive, operation.clientId).add(operation.id);
    return structuredClone(record);
  }

  async get(id: string): Promise<OperationRecord | undefined> {
    const entry = this.live(id);
    return entry && structuredClone(entry.record);
  }

  async chunk(id: string, chunkIndex: number): Promise<{ index: number; phoneNumber: string }[]> {
    const entry = this.live(id);
    if (!entry || !Number.isSafeInteger(chunkIndex) || chunkIndex < 0) return [];
    const first = chunkIndex * entry.record.chunkSize;
    return entry.numbers
      .slice(first, first + entry.record.chunkSize)
      .map((phoneNumber, offset) => ({ index: first + offset, phoneNumber }));
  }

  async recordedAmong(id: string, indexes: number[]): Promise<Set<number>> {
    const entry = this.live(id);
    return new Set(entry ? indexes.filter((index) => entry.outcomes[index] !== undefined) : []);
  }

  async holdChunk(id: string, hold: ChunkHold): Promise<void> {
    const entry = this.existing(id);
    entry.holds.set(hold.chunkIndex, { holder: hold.holder, until: this.now() + hold.leaseMs });
  }

  async renewHold(id: string, hold: ChunkHold): Promise<{ held: boolean; status?: OperationStatus }> {
    const entry = this.live(id);
    if (!entry) return { held: false };
    return { held: this.renew(entry, hold), status: entry.record.status };
  }

  async claimSend(id: string, index: number, hold: ChunkHold): Promise<SendClaim> {
    checkIndex(index);
    const entry = this.existing(id);
    checkIndex(index, entry.record.progress.total);
    if (!this.renew(entry, hold)) return { kind: 'lost' };
    if (entry.outcomes[index] !== undefined) return { kind: 'recorded' };
    const attempt = (entry.attempts.get(index) ?? 0) + 1;
    entry.attempts.set(index, attempt);
    return { kind: 'claimed', attempt };
  }

  async claimSendMany(id: string, indexes: number[], hold: ChunkHold): Promise<BatchClaim> {
    for (const index of indexes) checkIndex(index);
    const entry = this.existing(id);
    for (const index of indexes) checkIndex(index, entry.record.progress.total);
    if (!this.renew(entry, hold)) return { kind: 'lost' };
    const claimed: { index: number; attempt: number }[] = [];
    for (const index of new Set(indexes)) {
      if (entry.outcomes[index] !== undefined) continue;
      const attempt = (entry.attempts.get(index) ?? 0) + 1;
      entry.attempts.set(index, attempt);
      claimed.push({ index, attempt });
    }
    return { kind: 'claimed', claimed };
  }

  async recordOutcome(id: string, outcome: NumberOutcome): Promise<RecordOutcomeResult> {
    checkIndex(outcome.index);
    const entry = this.existing(id);
    const { record } = entry;
    checkIndex(outcome.index, record.progress.total);
    if (entry.outcomes[outcome.index] !== undefined) {
      return { recorded: false, operation: structuredClone(record) };
    }
    entry.outcomes[outcome.index] = storedOutcome(outcome);
    record.progress.processed += 1;
    record.progress[OUTCOME_COUNTER[outcome.outcome]] += 1;
    record.updatedAt = new Date(this.now()).toISOString();
    // A cancelled or failed operation keeps its status: the outcome is still a fact worth counting.
    if (record.progress.processed === record.progress.total && !isTerminal(record.status)) {
      record.status = 'completed';
      this.dropActive(record);
    }
    return { recorded: true, operation: structuredClone(record) };
  }

  async transition(
    id: string,
    status: 'running' | 'cancelled' | 'failed',
    error?: ContactError,
  ): Promise<OperationRecord | undefined> {
    const entry = this.live(id);
    if (!entry) return undefined;
    const { record } = entry;
    if (mayTransition(record.status, status)) {
      record.status = status;
      record.updatedAt = new Date(this.now()).toISOString();
      if (status === 'failed' && error) record.error = structuredClone(error);
      if (isTerminal(status)) this.dropActive(record);
    }
    return structuredClone(record);
  }

  async results(
    id: string,
    query: { outcome?: ContactOutcomeKind; cursor?: string; limit: number },
  ): Promise<ResultsPage> {
    let index = decodeCursor(query.cursor);
    checkLimit(query.limit);
    const entry = this.live(id);
    if (!entry) return { items: [] };
    const items: NumberOutcome[] = [];
    // A scan from the cursor: even 200,000 slots take about a millisecond, and need no sorted index.
    for (; index < entry.outcomes.length; index++) {
      const stored = entry.outcomes[index];
      if (!stored || (query.outcome && stored.outcome !== query.outcome)) continue;
      if (items.length === query.limit) return { items, nextCursor: encodeCursor(index) };
      items.push({ index, ...structuredClone(stored) });
    }
    return { items };
  }

  async noteRemaining(id: string): Promise<void> {
    const entry = this.live(id);
    if (!entry) return;
    const { record } = entry;
    const queue = this.queues.get(record.accountId);
    if (queue?.has(id)) queue.set(id, record.progress.total - record.progress.processed);
  }

  async queueOf(accountId: string): Promise<AccountQueue> {
    const operations: AccountQueue['operations'] = [];
    let total = 0;
    for (const [id, remaining] of this.queues.get(accountId) ?? []) {
      if (!this.live(id)) continue; // expired: live() dropped it from the queue
      operations.push({ id, remaining });
      total += remaining;
    }
    return { total, operations };
  }

  /** Refuses an operation over either quota before anything of it is stored. */
  private admit(operation: NewOperation, numbers: number, quotas: OperationQuotas): void {
    const active = [...(this.clientsActive.get(operation.clientId) ?? [])].filter((id) => this.live(id));
    if (active.length >= quotas.maxActivePerClient) {
      throw clientQuotaExceeded(operation.clientId, active.length, quotas.maxActivePerClient);
    }
    let queued = 0;
    for (const [id, remaining] of this.queues.get(operation.accountId) ?? []) {
      if (this.live(id)) queued += remaining;
    }
    if (queued + numbers > quotas.maxQueuedPerAccount) {
      throw accountQuotaExceeded(operation.accountId, queued, numbers, quotas.maxQueuedPerAccount);
    }
  }

  /** Whether `hold` is the chunk's holder; if so the hold lasts another lease. */
  private renew(entry: Entry, hold: ChunkHold): boolean {
    const current = entry.holds.get(hold.chunkIndex);
    if (!current || current.holder !== hold.holder || current.until <= this.now()) return false;
    current.until = this.now() + hold.leaseMs;
    return true;
  }

  /** The operation unless it expired (then it is dropped: expiry is lazy, as reads find it). */
  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= this.now()) {
      this.forget(id, entry);
      return undefined;
    }
    return entry;
  }

  /** Writers need the operation: writing to one that is gone is the caller's mistake to hear about. */
  private existing(id: string): Entry {
    const entry = this.live(id);
    if (!entry) throw operationNotFound(id);
    return entry;
  }

  private forget(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.dropActive(entry.record);
  }

  private accountQueue(accountId: string): Map<string, number> {
    let queue = this.queues.get(accountId);
    if (!queue) {
      queue = new Map();
      this.queues.set(accountId, queue);
    }
    return queue;
  }

  /** An ended (or expired) operation no longer counts toward its client's and account's quotas. */
  private dropActive(record: OperationRecord): void {
    const queue = this.queues.get(record.accountId);
    queue?.delete(record.id);
    if (queue?.size === 0) this.queues.delete(record.accountId);
    const active = this.clientsActive.get(record.clientId);
    active?.delete(record.id);
    if (active?.size === 0) this.clientsActive.delete(record.clientId);
  }

  /** Lazy expiry alone would keep every operation never asked about again (and its numbers) forever. */
  private sweepNowAndThen(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.forget(id, entry);
  }
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

/** What is kept of an outcome: exactly the fields of the port, so results look alike in both stores. */
function storedOutcome(outcome: NumberOutcome): StoredOutcome {
  const stored: StoredOutcome = { phoneNumber: outcome.phoneNumber, outcome: outcome.outcome };
  if (outcome.error) stored.error = structuredClone(outcome.error);
  if (outcome.via && outcome.outcome === 'deleted') stored.via = outcome.via;
  return stored;
}
