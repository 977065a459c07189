import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimit } from '@app/core';
import { DEFAULT_SHARING, type RateLimiter } from '@app/store';
import { epochMs, LatencySummary, summarize } from '../shared/stats';

/** One run of the loop; the same shape travels to worker processes over IPC. */
export interface LoopJob {
  /** Limiter key (before the keyspace prefix): every process on one key shares one window. */
  key: string;
  limit: RateLimit;
  /** Calls kept in flight at once, like that many concurrent requests of one replica. */
  concurrency: number;
  durationMs: number;
  /** Epoch ms to begin at, so several processes start together. */
  startAt: number;
  /** Keep the local time of every grant (for the correctness check); off for throughput runs. */
  recordGrantTimes: boolean;
}

export interface LoopResult {
  grants: number;
  refusals: number;
  elapsedMs: number;
  grantsPerSecond: number;
  /** Of every tryAcquire call, granted or not. */
  latency: LatencySummary;
  /** Epoch ms at which each grant's reply arrived (empty unless recorded). */
  grantTimes: number[];
}

/**
 * Calls `tryAcquire` back to back from `concurrency` lanes until the time is up. A refusal is not
 * waited out: the next call goes at once, which is the hardest load the limiter can see.
 */

export async function acquireLoop(limiter: RateLimiter, job: LoopJob): Promise<LoopResult> {
  await sleep(Math.max(0, job.startAt - Date.now()));
  const started = epochMs();
  const until = started + job.durationMs;
  const latencies: number[] = [];
  const grantTimes: number[] = [];
  let grants = 0;
  let refusals = 0;

  const lane = async () => {
    while (epochMs() < until) {
      const sent = performance.now();
      const result = await limiter.tryAcquire(
        job.key,
        job.limit,
        { priority: 'interactive', id: randomUUID() },
        {
          spacingMs: job.limit.windowMs / job.limit.limit,
          ...DEFAULT_SHARING,
        },
      );
      latencies.push(performance.now() - sent);
      if (!result.granted) {
        refusals++;
        continue;
      }
      grants++;
      if (job.recordGrantTimes) grantTimes.push(epochMs());
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));

  // Calls in flight at the deadline still finish, so divide by the time really taken.
  const elapsedMs = epochMs() - started;
  return {
    grants,
    refusals,
    elapsedMs,
    grantsPerSecond: grants / (elapsedMs / 1000),
    latency: summarize(latencies),
    grantTimes,
  };
}
