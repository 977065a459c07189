import { ContactError, ContactOutcomeKind } from '@app/core';

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
  accountId: string;
  campaignId: string;
  /** Options sent with every number (e.g. contactName, archive, iSales filters), as given. */
  selection: Record<string, unknown>;
  /** Numbers per chunk: the unit of work a worker takes, resumes and hands on. */
  chunkSize: number;
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
}

export interface ResultsPage {
  items: NumberOutcome[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

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
  /** Stores a new operation (status `queued`) and its numbers, split into chunks of `chunkSize`. */
  create(operation: NewOperation, phoneNumbers: string[], retentionMs: number): Promise<OperationRecord>;
  get(id: string): Promise<OperationRecord | undefined>;
  /** The numbers of chunk `chunkIndex` with their indexes (empty past the last chunk). */
  chunk(id: string, chunkIndex: number): Promise<{ index: number; phoneNumber: string }[]>;
  /** Which of these indexes already have an outcome. */
  recordedAmong(id: string, indexes: number[]): Promise<Set<number>>;
  /** Counts an attempt to send the number, before it is sent; returns the count (1 = first attempt). */
  markAttempt(id: string, index: number): Promise<number>;
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
  /** Queued and running operations on an account, for completion estimates. */
  activeOnAccount(accountId: string): Promise<OperationRecord[]>;
}
