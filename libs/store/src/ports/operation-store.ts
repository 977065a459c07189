import { ContactError, ContactOutcomeKind, DeleteVia } from '@app/core';

export type OperationStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';

export const TERMINAL_STATUSES: readonly OperationStatus[] = ['completed', 'cancelled', 'failed'];

/** An ended operation: nothing more will be sent for it. */
export function isTerminal(status: OperationStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface OperationProgress {
  total: number;
  processed: number;
  deleted: number;
  notFound: number;
  notDeletable: number;
  failed: number;
}

/** What a bulk contacts delete needs to run, fixed when it is accepted. */
export interface NewOperation {
  id: string;
  /** The client that started it: its active operations count toward its quota, its turns on the budget. */
  clientId: string;
  accountId: string;
  campaignId: string;
  /** Options sent with every number (e.g. contactName, archive, iSales filters), as given. */
  selection: Record<string, unknown>;
  /** Numbers per chunk: the unit of work a worker takes, resumes and hands on. */
  chunkSize: number;
  /** W3C `traceparent` of the request that started it: its chunks' spans link to that trace. */
  traceparent?: string;
}

export interface OperationRecord extends NewOperation {
  type: 'contacts.delete';
  status: OperationStatus;
  progress: OperationProgress;
  chunkCount: number;
  /** RFC 3339 (UTC) times. */
  createdAt: string;
  updatedAt: string;
  /** Why a failed operation stopped. */
  error?: ContactError;
}

export interface NumberOutcome {
  /** Position of the number in the operation (after de-duplication), 0-based. */
  index: number;
  phoneNumber: string;
  outcome: ContactOutcomeKind;
  error?: ContactError;
  /** Only with `deleted`: deleted in a batch the vendor confirmed as a whole. */
  via?: DeleteVia;
}

export interface ResultsPage {
  items: NumberOutcome[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

/** How much bulk work may wait, counted on the store so the counts hold across replicas. */
export interface OperationQuotas {
  /** Queued and running operations one client may have at once. */
  maxActivePerClient: number;
  /** Numbers without an outcome one account may have waiting, over all its active operations. */
  maxQueuedPerAccount: number;
}

/** The numbers still waiting on an account, per active operation. */
export interface AccountQueue {
  total: number;
  operations: { id: string; remaining: number }[];
}

/**
 * A worker's hold on one chunk of an operation. Taking it replaces any other holder: BullMQ hands a
 * chunk to one worker at a time, so an older holder is one that lost the chunk (it was frozen, say,
 * and its lock lapsed) and must stop sending.
 */
export interface ChunkHold {
  chunkIndex: number;
  /** Unique per run of the chunk. */
  holder: string;
  /** How long the hold lasts unless renewed. */
  leaseMs: number;
}

/** Whether a number may be sent now: only by the chunk's holder, and only while it has no outcome. */
export type SendClaim = { kind: 'claimed'; attempt: number } | { kind: 'recorded' } | { kind: 'lost' };

/**
 * Whether a batch of numbers may be sent now: `lost` when the caller no longer holds the chunk (nothing
 * claimed), else the numbers claimed (no outcome yet, attempt counted) with their attempt; numbers that
 * already had an outcome are left out.
 */
export type BatchClaim =
  { kind: 'lost' } | { kind: 'claimed'; claimed: { index: number; attempt: number }[] };

export interface RecordOutcomeResult {
  /** False when the number already had an outcome (a resumed chunk sent it again): counters did not move. */
  recorded: boolean;
  /** The operation after the write; `completed` once every number has an outcome (unless it was cancelled or failed first). */
  operation: OperationRecord;
}

/**
 * Bulk operations and their per-number outcomes, shared by every replica. Each number's outcome is
 * recorded once and the counters move atomically with it, so a chunk resumed on another replica
 * after a crash cannot count a number twice. Everything expires `retentionMs` after creation.
 */
export interface OperationStore {
  /**
   * Stores a new operation (status `queued`) and its numbers, split into chunks of `chunkSize`. With
   * quotas, refuses with `operation_quota_exceeded` (storing nothing) when the client already has its
   * most active operations or the account's queued numbers would pass their limit.
   */
  create(
    operation: NewOperation,
    phoneNumbers: string[],
    retentionMs: number,
    quotas?: OperationQuotas,
  ): Promise<OperationRecord>;
  get(id: string): Promise<OperationRecord | undefined>;
  /** The numbers of chunk `chunkIndex` with their indexes (empty past the last chunk). */
  chunk(id: string, chunkIndex: number): Promise<{ index: number; phoneNumber: string }[]>;
  /** Which of these indexes already have an outcome. */
  recordedAmong(id: string, indexes: number[]): Promise<Set<number>>;
  /** Takes the chunk for `hold.holder`, replacing whoever held it. */
  holdChunk(id: string, hold: ChunkHold): Promise<void>;
  /**
   * Checks the hold and renews it; says the operation's status too (undefined when it is gone), so a
   * holder learns of a cancel in the same round trip.
   */
  renewHold(id: string, hold: ChunkHold): Promise<{ held: boolean; status?: OperationStatus }>;
  /**
   * Just before a number is sent, in one step: the caller must still hold the chunk and the number must
   * have no outcome; then the attempt is counted (1 = first) and the hold renewed.
   */
  claimSend(id: string, index: number, hold: ChunkHold): Promise<SendClaim>;
  /** `claimSend` for several numbers of the chunk in one step (one round trip), for a batch call. */
  claimSendMany(id: string, indexes: number[], hold: ChunkHold): Promise<BatchClaim>;
  recordOutcome(id: string, outcome: NumberOutcome): Promise<RecordOutcomeResult>;
  /**
   * Moves a queued or running operation to `status` (running, cancelled or failed with `error`); a
   * terminal operation stays as it is. Returns the operation after, undefined if there is none.
   */
  transition(
    id: string,
    status: 'running' | 'cancelled' | 'failed',
    error?: ContactError,
  ): Promise<OperationRecord | undefined>;
  /** Outcomes in index order, optionally of one kind, `limit` at a time. */
  results(
    id: string,
    query: { outcome?: ContactOutcomeKind; cursor?: string; limit: number },
  ): Promise<ResultsPage>;
  /** Sets the numbers an active operation still has waiting (after a chunk), for the account's count. */
  noteRemaining(id: string): Promise<void>;
  /** The numbers waiting on an account, for completion estimates, quotas and metrics. */
  queueOf(accountId: string): Promise<AccountQueue>;
}
