import type { RateLimit } from '@app/core';
import { testConfig } from '../../test/support/gateway';
import type { TestSandbox } from '../../test/support/sandbox';

/** An account of the test configuration and a campaign its sandbox user owns. */
export interface Target {
  accountId: string;
  campaignId: string;
}

export const deletePath = ({ accountId, campaignId }: Target): string =>
  `/v1/accounts/${accountId}/campaigns/${campaignId}/contacts/delete`;

/** Polling and repeated runs must never meet the per-client inbound limit (shared by every replica). */
const OPEN_INBOUND: RateLimit = { limit: 100_000, windowMs: 60_000 };

/** The sandbox's Ozonetel user `acme`: an open budget in phase 2, the scaled-down one in phase 3. */
export const OZONETEL: Target = { accountId: 'in-ozonetel', campaignId: 'Renewals_Q4' };
/** The sandbox's other Ozonetel user (token mode): phase 1, where the vendor is hardly called. */
export const OZONETEL_TOKEN: Target = { accountId: 'in-ozonetel-token', campaignId: 'Collections' };

/** Phase 1: one vendor call a day, so an accepted operation barely starts while it is measured. */
export const TINY_BUDGET: RateLimit = { limit: 1, windowMs: 86_400_000 };

/** Phase 2: a budget the run never waits for. */
export const FAST_BUDGET: RateLimit = { limit: 100_000, windowMs: 1000 };
/** The sandbox's own Ozonetel limit while phase 2 runs. */
export const SANDBOX_OPEN_LIMIT: RateLimit = { limit: 1_000_000, windowMs: 1000 };

/** The sandbox's iSales account and campaign, whose budget (20 per second) the head-of-line phase keeps. */
export const ISALES: Target = { accountId: 'cn-isales', campaignId: '1001' };

/** Phases 3 and 4: the scaled-down budget of test/operations-replicas.e2e-spec.ts. */
export const BUDGET: RateLimit = { limit: 100, windowMs: 10_000 };

/** Phase 5: two Ozonetel accounts that allow one call per 10 s. */
export const SLOW_BUDGET: RateLimit = { limit: 1, windowMs: 10_000 };

/**
 * Phases 1 and 2, one gateway process: production defaults (chunks of 100, 4 calls in flight per
 * chunk) except more calls in flight, so the open-budget run is quick.
 */
export function storageConfig(sandbox: TestSandbox) {
  return testConfig(sandbox, {
    patch: {
      [OZONETEL_TOKEN.accountId]: { rateLimit: TINY_BUDGET },
      [OZONETEL.accountId]: { rateLimit: FAST_BUDGET },
    },
    settings: { inboundRateLimit: OPEN_INBOUND, operationNumbersInFlight: 32 },
  });
}

/** Phase 3, 1 and 3 gateway processes: the settings of the replicas end-to-end suite. */
export function budgetConfig(sandbox: TestSandbox) {
  return testConfig(sandbox, {
    patch: { [OZONETEL.accountId]: { rateLimit: BUDGET } },
    settings: {
      syncWaitMs: 30_000,
      operationLockMs: 3000,
      inboundRateLimit: OPEN_INBOUND,
    },
  });
}

/** Phase 5: two chunk workers, and both Ozonetel accounts nearly spent for a long time. */
export function headOfLineConfig(sandbox: TestSandbox) {
  return testConfig(sandbox, {
    patch: {
      [OZONETEL.accountId]: { rateLimit: SLOW_BUDGET },
      [OZONETEL_TOKEN.accountId]: { rateLimit: SLOW_BUDGET },
    },
    settings: { operationWorkers: 2, inboundRateLimit: OPEN_INBOUND },
  });
}

/** Phase 6: Ozonetel's real budgets, time-scaled; with or without the account's bulkDelete. */
export function bulkDeleteConfig(
  sandbox: TestSandbox,
  single: RateLimit & { marginMs?: number },
  bulk: (RateLimit & { marginMs?: number }) | undefined,
) {
  return testConfig(sandbox, {
    patch: {
      [OZONETEL.accountId]: {
        rateLimit: single,
        ...(bulk ? { bulkDelete: { rateLimit: bulk } } : {}),
      },
    },
    settings: { syncWaitMs: 30_000, operationLockMs: 3000, inboundRateLimit: OPEN_INBOUND },
  });
}
