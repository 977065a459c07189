/**
 * The limiter benchmark: how many grants the Redis limiter gives per second from one process and from
 * three, whether three processes together ever exceed a small budget, and what the guards (limiter,
 * idempotency, inbound throttle on Redis) add to a gateway request. Run from the repository root:
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/limiter/main.ts
 *
 * Uses REDIS_URL when set (writing only under its own key prefix, deleted at the end), else starts a
 * throwaway redis-server. Figures go to stdout, progress to stderr, everything to bench/out/limiter.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RateLimit } from '@app/core';
import type { Redis } from 'ioredis';
import { createRedisStore, StoreBundle, waitForRedis } from '@app/store';
import { startTestRedis } from '../../test/support/redis';
import { machineFacts } from '../shared/machine';
import { deleteKeys } from '../shared/redis-keys';
import { progress } from '../shared/progress';
import { acquireLoop, LoopResult } from './acquire-loop';
import { measureGatewayLatency } from './gateway-latency';
import { render } from './render';
import { checkWindow } from './window-check';
import { WorkerPool } from './worker-pool';

const OUT_FILE = join(__dirname, '../out/limiter.json');

/** Never refuses, and with a 1 s window the sorted set holds one second of grants, not the whole run. */
const OPEN_LIMIT: RateLimit = { limit: 1e9, windowMs: 1000 };
const SERIAL_MS = 2000;
const THROUGHPUT_MS = 5000;
const IN_FLIGHT = 32;
const PROCESSES = 3;
const CHECK = { limit: 50, windowMs: 1000, concurrencyEach: 8, durationMs: 3000 };
const GATEWAY = { warmup: 200, blocks: 10, blockSize: 200 };

export type BenchResults = Awaited<ReturnType<typeof collect>>;

async function collect(store: StoreBundle, redisUrl: string, ownsServer: boolean) {
  const redis = store.redis as Redis; // the bench runs on one node (a URL)
  const machine = await machineFacts(redis, ownsServer);

  const loop = async (key: string, concurrency: number, durationMs: number) => {
    const result = await acquireLoop(store.rateLimiter, {
      key,
      limit: OPEN_LIMIT,
      concurrency,
      durationMs,
      startAt: Date.now(),
      recordGrantTimes: false,
    });
    return { concurrency, durationMs, ...withoutTimes(result) };
  };
  progress('1/5 one process, 1 call in flight');
  const serial = await loop('one-process-serial', 1, SERIAL_MS);
  progress(`2/5 one process, ${IN_FLIGHT} calls in flight`);
  const oneProcess = await loop('one-process', IN_FLIGHT, THROUGHPUT_MS);

  progress(`3/5 ${PROCESSES} processes on one key (starting them)`);
  const pool = await WorkerPool.start(PROCESSES, redisUrl, store.keyPrefix);
  let processes: LoopResult[];
  let windowCheck: Awaited<ReturnType<typeof checkWindow>>;
  try {
    processes = await pool.run({
      key: 'three-processes',
      limit: OPEN_LIMIT,
      concurrency: IN_FLIGHT,
      durationMs: THROUGHPUT_MS,
      recordGrantTimes: false,
    });
    progress(`4/5 window check: ${PROCESSES} processes on ${CHECK.limit} per ${CHECK.windowMs} ms`);
    windowCheck = await checkWindow(pool, redis, { keyPrefix: store.keyPrefix, ...CHECK });
    await pool.stop();
  } finally {
    pool.kill();
  }

  progress('5/5 gateway latency, guards on and off');
  const gateway = await measureGatewayLatency({
    redisUrl,
    keyPrefix: `${store.keyPrefix}gateway:`,
    ...GATEWAY,
  });

  return {
    machine,
    limiter: {
      limit: OPEN_LIMIT,
      serial,
      oneProcess,
      processes: processes.map((result) => ({
        concurrency: IN_FLIGHT,
        durationMs: THROUGHPUT_MS,
        ...withoutTimes(result),
      })),
      processesTotalGrantsPerSecond: processes.reduce((total, result) => total + result.grantsPerSecond, 0),
    },
    windowCheck: { processes: PROCESSES, ...CHECK, ...windowCheck },
    gateway: {
      ...GATEWAY,
      ...gateway,
      addedP50Ms: gateway.guardsOn.p50Ms - gateway.guardsOff.p50Ms,
      addedP99Ms: gateway.guardsOn.p99Ms - gateway.guardsOff.p99Ms,
    },
  };
}

async function main(): Promise<void> {
  const redisServer = await startTestRedis();
  const store = createRedisStore(redisServer.url, { keyPrefix: `bench:limiter:${randomUUID()}:` });
  try {
    if (!(await waitForRedis(store, 5000))) throw new Error('Redis is not reachable');
    const results = await collect(store, redisServer.url, redisServer.ownsServer);
    mkdirSync(dirname(OUT_FILE), { recursive: true });
    writeFileSync(OUT_FILE, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(render(results));
    progress(`written ${OUT_FILE}`);
    if (!results.windowCheck.ok) {
      progress('WINDOW CHECK FAILED: more grants in one window than the limit, or grants missing in Redis');
      process.exitCode = 1;
    }
  } finally {
    // Only matters on a shared REDIS_URL; a throwaway server goes away with everything in it.
    await deleteKeys(store.redis as Redis, store.keyPrefix).catch(() => undefined);
    await store.close();
    await redisServer.stop();
  }
}

/** Throughput runs record no grant times; keep the empty array out of the JSON. */
function withoutTimes({ grantTimes: _grantTimes, ...rest }: LoopResult): Omit<LoopResult, 'grantTimes'> {
  return rest;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
