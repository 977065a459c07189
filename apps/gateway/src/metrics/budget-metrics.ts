import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { GatewayConfig } from '@app/config';
import { BudgetGateObserver, StoreBundle } from '@app/store';
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
    new Gauge({
      name: 'gateway_operation_queued_numbers',
      help: 'Numbers of bulk operations still waiting on each account (all replicas)',
      labelNames: ['account'],
      registers,
      async collect() {
        // One read per account at scrape time; while the store is down the figures stay as they were.
        const queues = await Promise.all(
          accountIds.map((id) => store.operations.queueOf(id).catch(() => undefined)),
        );
        queues.forEach((queue, i) => {
          if (queue) this.set({ account: accountIds[i] }, queue.total);
        });
      },
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
