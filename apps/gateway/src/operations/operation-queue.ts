import type { OutageState } from './vendor-failure';

/** Where chunks of bulk operations wait for a worker; BullMQ with Redis, in process without. */
export interface OperationQueue {
  /** Queues one chunk; queuing the same chunk again while it is queued or recently done is a no-op. */
  enqueueChunk(operationId: string, chunkIndex: number): Promise<void>;
}

export const OPERATION_QUEUE = Symbol('OPERATION_QUEUE');

/** The name of the BullMQ queue, shared by every replica. */
export const OPERATIONS_QUEUE_NAME = 'operations';

/** A chunk job's data: which chunk, and what it carries from one run to the next while it steps aside. */
export interface ChunkJob {
  operationId: string;
  chunkIndex: number;
  /** When a replica first found the operation's account unknown (a rolling deploy), epoch ms. */
  unknownAccountSince?: number;
  /** The vendor outage the chunk is riding out. */
  outage?: OutageState;
  /** The outage its batch calls (a vendor's batch delete) are riding out. */
  batchOutage?: OutageState;
}

/** Why a chunk stepped aside; `shutdown`: its replica is stopping, any replica may take it now. */
export type DeferReason = 'budget' | 'outage' | 'unknown_account' | 'shutdown';

/**
 * What a run of a chunk asks of its queue: nothing more (done: finished, or nothing left to do), to run
 * it again at `untilMs` with `job` (deferred: it would only wait), or nothing because another worker
 * holds it now (lost).
 */
export type ChunkResult =
  | { kind: 'done' }
  | { kind: 'deferred'; untilMs: number; job: ChunkJob; reason: DeferReason }
  | { kind: 'lost' };
