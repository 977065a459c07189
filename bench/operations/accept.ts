import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { GatewayProcess } from '../../test/support/gateway-process';
import { KEYS } from '../../test/support/keys';
import { numberRange } from '../../test/support/operations';
import { median } from '../shared/stats';
import { OZONETEL_TOKEN } from './configs';
import { readMemory, resetPeak, samplePeak } from './process-memory';
import { operationFootprint, OperationFootprint, usedMemory } from './redis-memory';
import { cancelOperation, deleteBody, startOperation } from './requests';

export interface AcceptOptions {
  numbers: number;
  repeats: number;
  /** Numbers in an untimed first request, so the timed ones do not pay for cold code paths. */
  warmupNumbers: number;
  sampleEveryMs: number;
  /** Quiet time before each run, so the baseline is not the previous run's tail. */
  settleMs: number;
  /** How long sampling goes on after the 202: freeing the body and starting the first chunk come after it. */
  afterMs: number;
  keyPrefix: string;
}

export interface AcceptRun {
  operationId: string;
  bodyBytes: number;
  acceptMs: number;
  rssBeforeBytes: number;
  /** From just before the request until `afterMs` after the 202 (see MemoryPeak). */
  peakRssBytes: number;
  sampledPeakRssBytes: number;
  hwmBytes: number;
  samples: number;
  redisUsedBeforeBytes: number;
  redisUsedAfterBytes: number;
  footprint: OperationFootprint;
}

/**
 * Sends one contacts delete of `numbers` distinct 13-digit numbers per repeat, each a fresh operation,
 * to one gateway process, and watches that process's memory and Redis' while it is accepted. The
 * account's budget is one call a day, so the operation barely starts; it is cancelled after.
 */
export async function measureAccept(
  gateway: GatewayProcess,
  redis: Redis,
  options: AcceptOptions,
): Promise<AcceptRun[]> {
  const api = gateway.as(KEYS.admin);
  const pid = gateway.child.pid!;
  const warmup = await startOperation(
    api,
    OZONETEL_TOKEN,
    deleteBody(numberRange(1_000_000_000_000, options.warmupNumbers)),
  );
  await cancelOperation(api, warmup.operation.id);

  const runs: AcceptRun[] = [];
  for (let run = 1; run <= options.repeats; run++) {
    const body = deleteBody(numberRange(1_000_000_000_000 + run * 1_000_000, options.numbers));
    await sleep(options.settleMs);
    const rssBeforeBytes = (await readMemory(pid)).rssBytes;
    await resetPeak(pid);
    const redisUsedBeforeBytes = await usedMemory(redis);
    const sampler = samplePeak(pid, options.sampleEveryMs);

    const { operation, acceptMs } = await startOperation(api, OZONETEL_TOKEN, body);
    const redisUsedAfterBytes = await usedMemory(redis);
    await sleep(options.afterMs);
    const peak = await sampler.stop();

    runs.push({
      operationId: operation.id,
      bodyBytes: Buffer.byteLength(body),
      acceptMs,
      rssBeforeBytes,
      peakRssBytes: peak.peakBytes,
      sampledPeakRssBytes: peak.sampledPeakBytes,
      hwmBytes: peak.hwmBytes,
      samples: peak.samples,
      redisUsedBeforeBytes,
      redisUsedAfterBytes,
      footprint: await operationFootprint(redis, options.keyPrefix, operation.id),
    });
    await cancelOperation(api, operation.id);
  }
  return runs;
}

/** The median of each figure over the runs (each taken separately, so they may come from different runs). */
export function acceptMedians(runs: readonly AcceptRun[]) {
  const of = (figure: (run: AcceptRun) => number) => median(runs.map(figure));
  return {
    acceptMs: of((r) => r.acceptMs),
    rssBeforeBytes: of((r) => r.rssBeforeBytes),
    peakRssBytes: of((r) => r.peakRssBytes),
    peakAboveBaselineBytes: of((r) => r.peakRssBytes - r.rssBeforeBytes),
    redisUsedDeltaBytes: of((r) => r.redisUsedAfterBytes - r.redisUsedBeforeBytes),
    operationKeysBytes: of((r) => r.footprint.keysBytes),
  };
}
