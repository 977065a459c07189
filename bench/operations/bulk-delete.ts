import type { RateLimit } from '@app/core';
import type { GatewayProcess } from '../../test/support/gateway-process';
import { KEYS } from '../../test/support/keys';
import { numberRange, seedOzonetelNumbers, waitForOperation } from '../../test/support/operations';
import { TestSandbox, vendorCalls } from '../../test/support/sandbox';
import { maxInAnyWindow } from '../../test/support/windows';
import { OZONETEL } from './configs';
import { deleteBody, OperationView, runMs, startOperation } from './requests';

/** Ozonetel's documented budgets: deleteCampaignData 100 per minute, DeleteBulkData 2 per minute × 100. */
export const REAL_SINGLE: RateLimit = { limit: 100, windowMs: 60_000 };
export const REAL_BULK: RateLimit = { limit: 2, windowMs: 60_000 };

/**
 * Real time runs this many times faster: the same counts per window, windows 1/SCALE as long (a real
 * minute is 3 s here). The vendor's processing time of one batch (not published) is assumed 4 s real.
 */
export const TIME_SCALE = 20;
export const REAL_BATCH_PROCESSING_MS = 4000;

export const scaled = (limit: RateLimit): RateLimit => ({
  limit: limit.limit,
  windowMs: limit.windowMs / TIME_SCALE,
});

export interface BulkDeleteRun {
  bulkDelete: boolean;
  numbers: number;
  /** Creation to completion, on the gateway's clock (scaled time). */
  elapsedMs: number;
  /**
   * Numbers per real minute: the numbers over the run's real time, counting the first window as a
   * whole window (its burst goes out at once), so a run that spends every grant as it frees reads
   * 100 without bulkDelete and 300 with.
   */
  perRealMinute: number;
  singleCalls: number;
  bulkCalls: number;
  numbersViaBatch: number;
  /** The most calls of each kind the sandbox saw in any window of its limit's length. */
  maxSingleInWindow: number;
  maxBulkInWindow: number;
  /** Calls the sandbox refused: for a rate limit, and batches refused as another was processed. */
  vendor429s: number;
  bulkRefusedBusy: number;
  maxBatchesAtOnce: number;
}

/**
 * One operation on one gateway process, the sandbox's Ozonetel enforcing the scaled real budgets
 * (both windows, one batch at a time). The caller gives each run its own key prefix, so no grant of
 * an earlier run is in the window.
 */
export async function measureBulkDelete(
  replica: GatewayProcess,
  sandbox: TestSandbox,
  options: { numbers: number; bulkDelete: boolean; timeoutMs: number },
): Promise<BulkDeleteRun> {
  const single = scaled(REAL_SINGLE);
  const bulk = scaled(REAL_BULK);
  const numbers = numberRange(9_610_000_000, options.numbers);
  await sandbox.ozonetel.post('/__sandbox/reset');
  await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: single });
  await sandbox.ozonetel.put('/__sandbox/bulk-delete', {
    body: { ...bulk, processingMs: REAL_BATCH_PROCESSING_MS / TIME_SCALE },
  });
  await seedOzonetelNumbers(sandbox, numbers);
  const api = replica.as(KEYS.admin);
  const { operation } = await startOperation(api, OZONETEL, deleteBody(numbers));
  const done: OperationView = await waitForOperation(api, operation.id, options.timeoutMs);
  if (done.status !== 'completed') throw new Error(`the operation ended ${JSON.stringify(done)}`);
  if (done.progress.deleted !== options.numbers) throw new Error(`not all deleted: ${JSON.stringify(done)}`);

  const calls = await vendorCalls(sandbox.ozonetel);
  const singles = calls.filter((c) => c.path === '/ca_apis/deleteCampaignData');
  const bulks = calls.filter((c) => c.path === '/ca_apis/DeleteBulkData');
  const stats = (await sandbox.ozonetel.get('/__sandbox/bulk-delete')).body.stats;
  const elapsedMs = runMs(done);
  const realMinutes = ((elapsedMs + single.windowMs) * TIME_SCALE) / 60_000;
  return {
    bulkDelete: options.bulkDelete,
    numbers: options.numbers,
    elapsedMs,
    perRealMinute: Math.round(options.numbers / realMinutes),
    singleCalls: singles.length,
    bulkCalls: bulks.length,
    numbersViaBatch: bulks
      .filter((c) => c.status === 200)
      .reduce((sum, c) => sum + (c.body.phoneNumber as unknown[]).length, 0),
    maxSingleInWindow: maxInAnyWindow(
      singles.map((c) => c.at),
      single.windowMs,
    ),
    maxBulkInWindow: maxInAnyWindow(
      bulks.map((c) => c.at),
      bulk.windowMs,
    ),
    vendor429s: calls.filter((c) => c.rateLimited).length,
    bulkRefusedBusy: stats.refusedBusy as number,
    maxBatchesAtOnce: stats.maxConcurrent as number,
  };
}
