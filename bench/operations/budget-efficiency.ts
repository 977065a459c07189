import { Queue } from 'bullmq';
import { ChunkJob, OPERATIONS_QUEUE_NAME } from '../../apps/gateway/src/operations/operation-queue';
import type { GatewayProcess } from '../../test/support/gateway-process';
import { KEYS } from '../../test/support/keys';
import { numberRange, seedOzonetelNumbers, waitForOperation } from '../../test/support/operations';
import { TestSandbox, vendorCalls } from '../../test/support/sandbox';
import { maxInAnyWindow } from '../../test/support/windows';
import { BUDGET, OZONETEL } from './configs';
import { deleteBody, OperationView, runMs, startOperation } from './requests';

export interface EfficiencyRun {
  replicas: number;
  numbers: number;
  /** Creation to completion, on the gateway's clock. */
  elapsedMs: number;
  theoreticalMinimumMs: number;
  /** elapsed / minimum: 1 would be every window spent the moment it opens. */
  ratio: number;
  progress: OperationView['progress'];
  vendorCalls: number;
  /** The most delete calls the sandbox's Ozonetel received in any window of the budget's length. */
  maxInAnyWindow: number;
  /** Calls the sandbox refused for its rate limit (answered 429 with the vendor's body). */
  vendor429s: number;
  /** Chunks each replica ran, from BullMQ's `processedBy`, in the order of `replicas`. */
  chunksPerReplica: number[];
}

/**
 * The least time N numbers can take when bulk work may use the whole budget (no interactive call
 * wants any): the first window's worth at once, then one window for each further window's worth.
 */
export const theoreticalMinimumMs = (numbers: number): number =>
  (Math.ceil(numbers / BUDGET.limit) - 1) * BUDGET.windowMs;

/**
 * One operation through `replicas` gateway processes on one Redis (posted to the first), the sandbox's
 * Ozonetel enforcing the same budget as the gateway's configuration. The caller makes sure the
 * gateway's window holds no grants from an earlier run.
 */
export async function measureEfficiency(
  replicas: GatewayProcess[],
  sandbox: TestSandbox,
  options: { numbers: number; redisUrl: string; keyPrefix: string; timeoutMs: number },
): Promise<EfficiencyRun> {
  const numbers = numberRange(9_600_000_000, options.numbers);
  await sandbox.ozonetel.post('/__sandbox/reset');
  await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
  await seedOzonetelNumbers(sandbox, numbers);
  const api = replicas[0].as(KEYS.admin);

  const { operation } = await startOperation(api, OZONETEL, deleteBody(numbers));
  const done: OperationView = await waitForOperation(api, operation.id, options.timeoutMs);
  if (done.status !== 'completed') throw new Error(`the operation ended ${JSON.stringify(done)}`);

  const calls = (await vendorCalls(sandbox.ozonetel)).filter((c) => c.path === '/ca_apis/deleteCampaignData');
  const elapsedMs = runMs(done);
  const minimumMs = theoreticalMinimumMs(options.numbers);
  return {
    replicas: replicas.length,
    numbers: options.numbers,
    elapsedMs,
    theoreticalMinimumMs: minimumMs,
    ratio: elapsedMs / minimumMs,
    progress: done.progress,
    vendorCalls: calls.length,
    maxInAnyWindow: maxInAnyWindow(
      calls.map((c) => c.at),
      BUDGET.windowMs,
    ),
    vendor429s: calls.filter((c) => c.rateLimited).length,
    chunksPerReplica: await chunksPerReplica(replicas, operation.id, options),
  };
}

/** BullMQ records on each job the worker that ran it (`host:pid`); count the operation's by replica. */
async function chunksPerReplica(
  replicas: GatewayProcess[],
  operationId: string,
  options: { redisUrl: string; keyPrefix: string },
): Promise<number[]> {
  const queue = new Queue<ChunkJob>(OPERATIONS_QUEUE_NAME, {
    connection: { url: options.redisUrl },
    prefix: `${options.keyPrefix}{bull}`,
  });
  try {
    const jobs = await queue.getJobs(['completed']);
    const pids = jobs
      .filter((job) => job?.data.operationId === operationId)
      .map((job) => Number(job.processedBy?.split(':').pop()));
    return replicas.map((replica) => pids.filter((pid) => pid === replica.child.pid).length);
  } finally {
    await queue.close();
  }
}
