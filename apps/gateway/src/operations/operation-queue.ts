/** Where chunks of bulk operations wait for a worker; BullMQ with Redis, in process without. */
export interface OperationQueue {
  /** Queues one chunk; queuing the same chunk again while it is queued or recently done is a no-op. */
  enqueueChunk(operationId: string, chunkIndex: number): Promise<void>;
}

export const OPERATION_QUEUE = Symbol('OPERATION_QUEUE');

/** The name of the BullMQ queue, shared by every replica. */
export const OPERATIONS_QUEUE_NAME = 'operations';

export interface ChunkJob {
  operationId: string;
  chunkIndex: number;
}
