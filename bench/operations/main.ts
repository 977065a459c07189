/**
 * The operations benchmark: what accepting a 200,000-number contacts delete costs (time to the 202,
 * the gateway process's memory, Redis' memory), what a finished operation keeps in Redis per number,
 * and how close a bulk operation comes to the least time its budget allows with one and three
 * gateway processes. Run from the repository root:
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/operations/main.ts
 *
 * Uses REDIS_URL when set (writing only under its own key prefix, deleted at the end), else starts a
 * throwaway redis-server. Linux only (it reads /proc/<pid>/status). Figures go to stdout, progress to
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
import { acceptMedians, measureAccept } from './accept';
import { measureEfficiency } from './budget-efficiency';
import { measureCompletedFootprint } from './completed-footprint';
import { BUDGET, budgetConfig, headOfLineConfig, storageConfig } from './configs';
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

export type BenchResults = Awaited<ReturnType<typeof collect>>;

const progress = (text: string) => process.stderr.write(`${text}\n`);

async function collect(redis: Redis, redisUrl: string, keyPrefix: string, ownsServer: boolean) {
  const machine = await machineFacts(redis, ownsServer);
  const sandbox = await startTestSandbox();
  try {
    const storage = await storagePhases(sandbox, redis, redisUrl, `${keyPrefix}storage:`);
    const efficiency = await efficiencyPhase(sandbox, redisUrl, `${keyPrefix}budget:`);
    const headOfLine = await headOfLinePhase(sandbox, redisUrl, `${keyPrefix}hol:`);
    return {
      machine,
      accept: { ...ACCEPT, runs: storage.accept, medians: acceptMedians(storage.accept) },
      completed: storage.completed,
      efficiency: { budget: BUDGET, runs: efficiency.runs },
      interactive: efficiency.interactive,
      headOfLine,
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
    const failed = [...results.efficiency.runs, results.interactive].filter(
      (r) => r.vendor429s > 0 || r.maxInAnyWindow > BUDGET.limit,
    );
    if (failed.length > 0) {
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
