import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { GatewayConfig } from '@app/config';
import { AccountQueue, BudgetGateObserver, StoreBundle } from '@app/store';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';
import { MetricsRegistry } from './metrics-registry';

/**
 * How each account's vendor budget is shared: grants taken by interactive calls and by bulk work,
 * interactive calls waiting for one (on this replica), and numbers queued in bulk operations (on the
 * store, so every replica reports the same figure).
 */
@Injectable()
export class BudgetMetrics {
  private readonly grants: Counter<'account' | 'priority'>;
  private readonly waiting: Gauge<'account'>;

  constructor(
    registry: MetricsRegistry,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(STORE_BUNDLE) store: StoreBundle,
  ) {
    const registers: Registry[] = [registry.registry];
    this.grants = new Counter({
      name: 'gateway_budget_grants_total',
      help: 'Grants of the vendor rate budget taken, by interactive calls and by bulk work',
      labelNames: ['account', 'priority'],
      registers,
    });
    this.waiting = new Gauge({
      name: 'gateway_budget_interactive_waiting',
      help: 'Interactive calls on this replica waiting for a grant of the vendor rate budget',
      labelNames: ['account'],
      registers,
    });
    const accountIds = config.accounts.map((account) => account.id);
    // One read per account per scrape, shared by both gauges (prom-client collects them at once);
    // while the store is down the figures stay as they were.
    let reading: Promise<(AccountQueue | undefined)[]> | undefined;
    const readQueues = () => {
      reading ??= Promise.all(
        accountIds.map((id) => store.operations.queueOf(id).catch(() => undefined)),
      ).finally(() => setTimeout(() => (reading = undefined), 100).unref());
      return reading;
    };
    const collectInto = (gauge: Gauge<'account'>, figure: (queue: AccountQueue) => number) => async () => {
      (await readQueues()).forEach((queue, i) => {
        if (queue) gauge.set({ account: accountIds[i] }, figure(queue));
      });
    };
    const queuedNumbers: Gauge<'account'> = new Gauge({
      name: 'gateway_operation_queued_numbers',
      help: 'Numbers of bulk operations still waiting on each account (all replicas)',
      labelNames: ['account'],
      registers,
      collect: () => collectInto(queuedNumbers, (queue) => queue.total)(),
    });
    const waitingOperations: Gauge<'account'> = new Gauge({
      name: 'gateway_operations_waiting',
      help: 'Bulk operations queued or running on each account with numbers still to send (all replicas)',
      labelNames: ['account'],
      registers,
      collect: () => collectInto(waitingOperations, (queue) => queue.operations.length)(),
    });
  }

  /** The gate's observer for one account. */
  observerFor(account: string): BudgetGateObserver {
    return {
      granted: (priority) => this.grants.inc({ account, priority }),
      waiting: (delta) => this.waiting.inc({ account }, delta),
    };
  }
}
