import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { ContactOutcomeKind } from '@app/core';
import { MetricsRegistry } from './metrics-registry';

/** What bulk operations do, per account: started, each number's outcome, how they ended. */
@Injectable()
export class OperationMetrics {
  private readonly started: Counter<'account'>;
  private readonly numbers: Counter<'account' | 'outcome'>;
  private readonly ended: Counter<'account' | 'status'>;
  private readonly deferred: Counter<'account' | 'reason'>;
  private readonly dropped: Counter<'account'>;
  private readonly requeued: Counter<'account'>;

  constructor(registry: MetricsRegistry) {
    const registers = [registry.registry];
    this.started = new Counter({
      name: 'gateway_operations_started_total',
      help: 'Bulk operations accepted',
      labelNames: ['account'],
      registers,
    });
    this.numbers = new Counter({
      name: 'gateway_operation_numbers_total',
      help: 'Numbers of bulk operations given an outcome (each number once, whichever replica sent it)',
      labelNames: ['account', 'outcome'],
      registers,
    });
    this.ended = new Counter({
      name: 'gateway_operations_ended_total',
      help: 'Bulk operations that ended, by how (seen by the replica that ended them)',
      labelNames: ['account', 'status'],
      registers,
    });
    this.deferred = new Counter({
      name: 'gateway_operation_chunk_delayed_seconds_total',
      help: 'Time chunks spent set aside off a worker, waiting for budget, an outage or a replica knowing the account',
      labelNames: ['account', 'reason'],
      registers,
    });
    this.dropped = new Counter({
      name: 'gateway_operation_chunks_dropped_total',
      help: "Chunks that ended because their operation was gone from the store (Redis lost its data, or it expired); account '' when unknown",
      labelNames: ['account'],
      registers,
    });
    this.requeued = new Counter({
      name: 'gateway_operation_chunks_requeued_total',
      help: 'Chunks queued again because an active operation had no chunk job left (Redis lost its queue)',
      labelNames: ['account'],
      registers,
    });
  }

  operationStarted(account: string): void {
    this.started.inc({ account });
  }

  numberRecorded(account: string, outcome: ContactOutcomeKind): void {
    this.numbers.inc({ account, outcome });
  }

  operationEnded(account: string, status: 'completed' | 'cancelled' | 'failed'): void {
    this.ended.inc({ account, status });
  }

  chunkDeferred(account: string, reason: string, ms: number): void {
    this.deferred.inc({ account, reason }, ms / 1000);
  }

  chunkDropped(account: string | undefined): void {
    this.dropped.inc({ account: account ?? '' });
  }

  chunkRequeued(account: string): void {
    this.requeued.inc({ account });
  }
}
