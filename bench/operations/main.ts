/**
 * The operations benchmark: what accepting a 200,000-number contacts delete costs (time to the 202,
 * the gateway process's memory, Redis' memory), what a finished operation keeps in Redis per number,
 * and how close a bulk operation comes to the least time its budget allows with one and three
 * gateway processes; and how many numbers a minute Ozonetel deletes at its real budgets (time-scaled)
 * with and without the account's bulkDelete. Run from the repository root:
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/operations/main.ts
 *
 * Uses REDIS_URL when set (writing only under its own key prefix, deleted at the end), else starts a
 * throwaway redis-server. `BENCH_PHASES=6` (a comma list of 1..6; 1 and 2 go together, as do 3 and
 * 4) runs only those phases. Linux only (it reads /proc/<pid>/status). Figures go to stdout, progress to
 * stderr, everything to bench/out/operations.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { GatewayProcess } from '../../test/support/gateway-process';
import { KEYS } from '../../test/support/keys';
import { startTestRedis } from '../../test/support/redis';
import { startTestSandbox, TestSandbox } from '../../test/support/sandbox';
import { machineFacts } from '../shared/machine';
import { deleteKeys } from '../shared/redis-keys';
import { progress } from '../shared/progress';
import { acceptMedians, measureAccept } from './accept';
import { measureEfficiency } from './budget-efficiency';
import { BulkDeleteRun, measureBulkDelete, REAL_BULK, REAL_SINGLE, scaled, TIME_SCALE } from './bulk-delete';
import { measureCompletedFootprint } from './completed-footprint';
import { BUDGET, budgetConfig, bulkDeleteConfig, headOfLineConfig, storageConfig } from './configs';
import { render } from './render';
import { removeReplicaConfig, startReplicas, stopReplicas, writeReplicaConfig } from './replicas';
import { measureHeadOfLine, measureInteractiveLatency } from './sharing';

const OUT_FILE = join(__dirname, '../out/operations.json');

const ACCEPT = {
  numbers: 200_000,
  repeats: 3,
  warmupNumbers: 1000,
  sampleEveryMs: 20,
  settleMs: 1000,
  afterMs: 500,
};
const COMPLETED = { numbers: 20_000, timeoutMs: 300_000 };
const EFFICIENCY = { numbers: 500, timeoutMs: 120_000 };
const INTERACTIVE = { bulkNumbers: 1000, calls: 50 };
const REPLICAS = 3;
const BULK_DELETE = { numbers: 1500, timeoutMs: 180_000 };
/**
 * Phase 6's margin: network and event-loop delays do not shrink with the time scale, and the default
 * (100 ms at a 3 s window) let a loaded 2-core machine put 101 arrivals into one of the sandbox's windows.
 */
const SCALED_MARGIN_MS = 300;

const PHASES = new Set(
  (process.env.BENCH_PHASES ?? '1,2,3,4,5,6')
    .split(',')
    .map((p) => Number(p.trim()))
    .filter((p) => p >= 1 && p <= 6),
);
const runs = (...phases: number[]) => phases.some((p) => PHASES.has(p));

export type BenchResults = Awaited<ReturnType<typeof collect>>;

async function collect(redis: Redis, redisUrl: string, keyPrefix: string, ownsServer: boolean) {
  const machine = await machineFacts(redis, ownsServer);
  const sandbox = await startTestSandbox();
  try {
    const storage = runs(1, 2)
      ? await storagePhases(sandbox, redis, redisUrl, `${keyPrefix}storage:`)
      : undefined;
    const efficiency = runs(3, 4)
      ? await efficiencyPhase(sandbox, redisUrl, `${keyPrefix}budget:`)
      : undefined;
    const headOfLine = runs(5) ? await headOfLinePhase(sandbox, redisUrl, `${keyPrefix}hol:`) : undefined;
    const bulkDelete = runs(6) ? await bulkDeletePhase(sandbox, redisUrl, `${keyPrefix}bulk:`) : undefined;
    return {
      machine,
      accept: storage && { ...ACCEPT, runs: storage.accept, medians: acceptMedians(storage.accept) },
      completed: storage?.completed,
      efficiency: efficiency && { budget: BUDGET, runs: efficiency.runs },
      interactive: efficiency?.interactive,
      headOfLine,
      bulkDelete: bulkDelete && {
        timeScale: TIME_SCALE,
        single: REAL_SINGLE,
        bulk: REAL_BULK,
        runs: bulkDelete,
      },
    };
  } finally {
    await sandbox.close();
  }
}

/** Phases 1 and 2 on one gateway process: accepting 200,000 numbers, and a finished operation's keys. */
async function storagePhases(sandbox: TestSandbox, redis: Redis, redisUrl: string, keyPrefix: string) {
  const configFile = writeReplicaConfig(storageConfig(sandbox));
  progress('1/5 starting one gateway process');
  const [gateway] = await startReplicas(1, { configFile, redisUrl, keyPrefix });
  try {
    progress(`1/5 accepting ${ACCEPT.numbers.toLocaleString('en-US')} numbers, ${ACCEPT.repeats} times`);
    const accept = await measureAccept(gateway, redis, { ...ACCEPT, keyPrefix });
    progress(`2/5 running ${COMPLETED.numbers.toLocaleString('en-US')} numbers to the end at an open budget`);
    const completed = await measureCompletedFootprint(gateway, sandbox, redis, { ...COMPLETED, keyPrefix });
    return { accept, completed };
  } finally {
    await stopReplicas([gateway]);
    removeReplicaConfig(configFile);
  }
}

/**
 * Phase 3: the same operation through one gateway process, then through three; phase 4 on the three:
 * interactive calls during a bulk run.
 */
async function efficiencyPhase(sandbox: TestSandbox, redisUrl: string, keyPrefix: string) {
  const configFile = writeReplicaConfig(budgetConfig(sandbox));
  const replicas: GatewayProcess[] = [];
  const run = () => measureEfficiency(replicas, sandbox, { ...EFFICIENCY, redisUrl, keyPrefix });
  try {
    progress(`3/5 ${EFFICIENCY.numbers} numbers at ${BUDGET.limit} per ${BUDGET.windowMs} ms, 1 replica`);
    replicas.push(...(await startReplicas(1, { configFile, redisUrl, keyPrefix })));
    await warm(replicas);
    const one = await run();
    // The next run must start on an empty window, not on this run's last grants.
    const windowClearAt = Date.now() + BUDGET.windowMs + 1000;

    progress(`3/5 the same, ${REPLICAS} replicas`);
    const more = await startReplicas(REPLICAS - 1, { configFile, redisUrl, keyPrefix });
    replicas.push(...more);
    await warm(more);
    await sleep(Math.max(0, windowClearAt - Date.now()));
    const three = await run();
    await sleep(BUDGET.windowMs + 1000);
    progress(`4/5 ${INTERACTIVE.calls} single deletes during a bulk run, ${REPLICAS} replicas`);
    const interactive = await measureInteractiveLatency(replicas, sandbox, INTERACTIVE);
    return { runs: [one, three], interactive };
  } finally {
    await stopReplicas(replicas);
    removeReplicaConfig(configFile);
  }
}

/** Phase 5: the head-of-line scenario on one gateway process with two chunk workers. */
async function headOfLinePhase(sandbox: TestSandbox, redisUrl: string, keyPrefix: string) {
  const configFile = writeReplicaConfig(headOfLineConfig(sandbox));
  progress('5/5 head of line: an iSales operation behind four on accounts allowing 1 call per 10 s');
  const replicas = await startReplicas(1, { configFile, redisUrl, keyPrefix });
  try {
    await sandbox.ozonetel.post('/__sandbox/reset');
    await warm(replicas);
    return await measureHeadOfLine(replicas[0]);
  } finally {
    await stopReplicas(replicas);
    removeReplicaConfig(configFile);
  }
}

/**
 * Phase 6: the same operation at Ozonetel's real budgets, time-scaled, on one gateway process: first
 * with deleteCampaignData alone, then with bulkDelete on (each with its own key prefix).
 */
async function bulkDeletePhase(sandbox: TestSandbox, redisUrl: string, keyPrefix: string) {
  const results: BulkDeleteRun[] = [];
  for (const bulkDelete of [false, true]) {
    progress(
      `6/6 ${BULK_DELETE.numbers} numbers at Ozonetel's budgets (time ×${TIME_SCALE}), bulkDelete ${bulkDelete ? 'on' : 'off'}`,
    );
    const configFile = writeReplicaConfig(
      bulkDeleteConfig(
        sandbox,
        { ...scaled(REAL_SINGLE), marginMs: SCALED_MARGIN_MS },
        bulkDelete ? { ...scaled(REAL_BULK), marginMs: SCALED_MARGIN_MS } : undefined,
      ),
    );
    const replicas = await startReplicas(1, {
      configFile,
      redisUrl,
      keyPrefix: `${keyPrefix}${bulkDelete}:`,
    });
    try {
      await warm(replicas);
      results.push(await measureBulkDelete(replicas[0], sandbox, { ...BULK_DELETE, bulkDelete }));
    } finally {
      await stopReplicas(replicas);
      removeReplicaConfig(configFile);
    }
  }
  return results;
}

/** Connections and lazy code paths warm, as in a running deployment (as the replicas suite does). */
async function warm(replicas: GatewayProcess[]): Promise<void> {
  for (const replica of replicas)
    await replica.as(KEYS.admin).post('/v1/accounts/cn-isales/campaigns/1002/pause');
}

async function main(): Promise<void> {
  const redisServer = await startTestRedis();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const keyPrefix = `bench:operations:${randomUUID()}:`;
  try {
    const results = await collect(redis, redisServer.url, keyPrefix, redisServer.ownsServer);
    mkdirSync(dirname(OUT_FILE), { recursive: true });
    writeFileSync(OUT_FILE, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(render(results));
    progress(`written ${OUT_FILE}`);
    const failed = [
      ...(results.efficiency?.runs ?? []),
      ...(results.interactive ? [results.interactive] : []),
    ].filter((r) => r.vendor429s > 0 || r.maxInAnyWindow > BUDGET.limit);
    const bulkFailed = (results.bulkDelete?.runs ?? []).filter(
      (r) =>
        r.vendor429s > 0 ||
        r.bulkRefusedBusy > 0 ||
        r.maxBatchesAtOnce > 1 ||
        r.maxSingleInWindow > REAL_SINGLE.limit ||
        r.maxBulkInWindow > REAL_BULK.limit,
    );
    if (failed.length + bulkFailed.length > 0) {
      progress('BUDGET CHECK FAILED: the vendor refused calls, or saw more than the limit in one window');
      process.exitCode = 1;
    }
  } finally {
    // Only matters on a shared REDIS_URL; a throwaway server goes away with everything in it.
    await deleteKeys(redis, keyPrefix).catch(() => undefined);
    redis.disconnect();
    await redisServer.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
