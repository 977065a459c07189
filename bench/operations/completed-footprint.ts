import type { Redis } from 'ioredis';
import type { GatewayProcess } from '../../test/support/gateway-process';
import { KEYS } from '../../test/support/keys';
import { numberRange, seedOzonetelNumbers, waitForOperation } from '../../test/support/operations';
import type { TestSandbox } from '../../test/support/sandbox';
import { OZONETEL, SANDBOX_OPEN_LIMIT } from './configs';
import { operationFootprint, OperationFootprint, usedMemory } from './redis-memory';
import { deleteBody, OperationView, runMs, startOperation } from './requests';

export interface CompletedFootprint {
  numbers: number;
  /** Creation to completion, on the gateway's clock. */
  runMs: number;
  progress: OperationView['progress'];
  redisUsedBeforeBytes: number;
  redisUsedAfterBytes: number;
  footprint: OperationFootprint;
}

/**
 * Runs an operation of `numbers` numbers, all present at the vendor, to the end at a budget it never
 * waits for, then measures what Redis keeps of it: numbers, outcomes, indexes, counters, and BullMQ's
 * completed chunk jobs. This is what every finished operation holds until its retention runs out.
 */
export async function measureCompletedFootprint(
  gateway: GatewayProcess,
  sandbox: TestSandbox,
  redis: Redis,
  options: { numbers: number; keyPrefix: string; timeoutMs: number },
): Promise<CompletedFootprint> {
  const numbers = numberRange(2_000_000_000_000, options.numbers);
  await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: SANDBOX_OPEN_LIMIT });
  await seedOzonetelNumbers(sandbox, numbers);
  const api = gateway.as(KEYS.admin);

  const redisUsedBeforeBytes = await usedMemory(redis);
  const { operation } = await startOperation(api, OZONETEL, deleteBody(numbers));
  const done: OperationView = await waitForOperation(api, operation.id, options.timeoutMs);
  if (done.status !== 'completed' || done.progress.deleted !== options.numbers)
    throw new Error(`the ${options.numbers}-number operation ended ${JSON.stringify(done)}`);
  const redisUsedAfterBytes = await usedMemory(redis);
  // 20,000 calls' worth of log in the sandbox (this process) is of no further use.
  await sandbox.ozonetel.delete('/__sandbox/calls');

  return {
    numbers: options.numbers,
    runMs: runMs(done),
    progress: done.progress,
    redisUsedBeforeBytes,
    redisUsedAfterBytes,
    footprint: await operationFootprint(redis, options.keyPrefix, operation.id),
  };
}
