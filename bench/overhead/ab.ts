/**
 * Builds of the gateway side by side (issue 8's cuts, one at a time): on a shared machine req/s and
 * latency swing two- to threefold between runs, so a cut is judged against the build before it in one
 * run, rounds interleaved, the order rotated each round. Run from the repository root:
 *
 *   npm run bench:overhead:save-build -- before     # nest build gateway, kept as bench/out/builds/before
 *   (make the change)
 *   npm run bench:overhead:save-build -- after
 *   npm run bench:overhead:ab -- before after
 *
 * `floor` among the names adds the gateway's own parts with no framework around them (floor.ts), and
 * `floor:<variant>` the same with parts taken out or swapped (`floor:-log,-sign`, `floor:undici`, ...),
 * to price each part. `<build>+NAME=value[+NAME=value]` runs a build with settings of its own in its
 * environment (`before+LOG_LEVEL=warn` prices the gateway's log lines), and `<build>+--flag=value`
 * node flags that override start:prod's (`before+--max-semi-space-size=8`).
 *
 * Each build runs with start:prod's node flags on the same Redis (REDIS_URL, or a throwaway
 * redis-server) against the same light upstream, the bare proxy beside them for scale. It prints, per
 * target, the medians over the rounds of the CPU time (user + system) spent per answered request, the
 * steadiest figure on a busy machine, and of req/s at 16 connections, then each round, and each
 * process's peak RSS (VmHWM) over the whole run. Exit code 1 if any request failed.
 *
 *   OVERHEAD_ROUNDS=5            rounds (medians are reported)
 *   OVERHEAD_SATURATION_SECONDS=8  length of each 16-connection run
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startTestRedis } from '../../test/support/redis';
import { readMemory } from '../operations/process-memory';
import { removeReplicaConfig } from '../operations/replicas';
import { loadAverageText, progress } from '../shared/progress';
import { deleteKeys } from '../shared/redis-keys';
import { median } from '../shared/stats';
import { table } from '../shared/table';
import { BENCH_KEY, GATEWAY_PATH, writeOverheadConfig } from './config';
import { saturate, Target } from './load';
import { cpuMs } from './process-cpu';
import { BenchProcess, forkServer, startGateway } from './processes';
import { savedBuildEntry } from './saved-builds';

const ROUNDS = Number(process.env.OVERHEAD_ROUNDS ?? 5);
const SECONDS = Number(process.env.OVERHEAD_SATURATION_SECONDS ?? 8);
const CONNECTIONS = 16;
const WARMUP_SECONDS = 3;

const load = loadAverageText;

/** A `<build>+...` setting that is a node flag (`--max-semi-space-size=8`) rather than `NAME=value`. */
const isFlag = (setting: string) => setting.startsWith('--');

interface Round {
  cpuUsPerRequest: number;
  reqPerSec: number;
  failed: number;
}

/** The process, or an error with the last lines it wrote (a gateway's log drain) if it has exited. */
function running(child: BenchProcess, label: string): BenchProcess {
  const { exitCode, signalCode } = child.child;
  if (exitCode === null && signalCode === null) return child;
  const tail = (child as { log?: { tail: string } }).log?.tail ?? '';
  throw new Error(`${label} exited (${exitCode ?? signalCode}):\n${tail}`);
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  if (names.length === 0)
    throw new Error('usage: npm run bench:overhead:ab -- <saved build> [<saved build>...]');
  for (const name of names
    .filter((n) => n !== 'floor' && !n.startsWith('floor:'))
    .map((n) => n.split('+')[0]))
    if (!existsSync(savedBuildEntry(name)))
      throw new Error(`no saved build "${name}": npm run bench:overhead:save-build -- ${name}`);

  const redisServer = await startTestRedis();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const started: BenchProcess[] = [];
  const keyPrefixes: string[] = [];
  let configFile: string | undefined;
  let failed = 0;
  try {
    const upstream = await forkServer('upstream', 'upstream.ts');
    started.push(upstream);
    const proxy = await forkServer('proxy', 'proxy.ts', { UPSTREAM_URL: upstream.url });
    started.push(proxy);
    configFile = writeOverheadConfig(upstream.url);
    const headers = { authorization: `Bearer ${BENCH_KEY}` };
    // The load generator's target names are the three of bench:overhead; each build is a `gateway`,
    // told apart here by its label.
    const targets: { label: string; target: Target; process: BenchProcess }[] = [
      {
        label: 'proxy',
        target: { name: 'proxy', url: proxy.url, method: 'POST', path: GATEWAY_PATH, headers },
        process: proxy,
      },
    ];
    for (const [i, name] of names.entries()) {
      if (name === 'floor' || name.startsWith('floor:')) {
        // The gateway's own parts with no framework around them (floor.ts), whole or with a variant.
        const keyPrefix = `bench:overhead-floor:${randomUUID()}:`;
        keyPrefixes.push(keyPrefix);
        const floor = await forkServer('floor', 'floor.ts', {
          UPSTREAM_URL: upstream.url,
          ...redisServer.env,
          REDIS_KEY_PREFIX: keyPrefix,
          FLOOR_VARIANT: name.slice('floor:'.length),
        });
        started.push(floor);
        targets.push({
          label: name,
          target: { name: 'proxy', url: floor.url, method: 'POST', path: GATEWAY_PATH, headers },
          process: floor,
        });
        continue;
      }
      // The same build twice is an A/A run (how far apart two identical gateways land): labels stay apart.
      const label = names.indexOf(name) === i ? name : `${name}#${i + 1}`;
      // Each build has a Redis key prefix of its own, so none sees another's throttle or budget.
      const keyPrefix = `bench:overhead-ab:${randomUUID()}:`;
      keyPrefixes.push(keyPrefix);
      const [build, ...settings] = name.split('+');
      const gateway = await startGateway({
        configFile,
        env: {
          ...redisServer.env,
          REDIS_KEY_PREFIX: keyPrefix,
          OTEL_TRACES_EXPORTER: 'none',
          ...Object.fromEntries(
            settings.filter((setting) => !isFlag(setting)).map((setting) => setting.split('=', 2)),
          ),
        },
        overridingNodeArgs: settings.filter(isFlag),
        built: true,
        entry: savedBuildEntry(build),
      });
      started.push(gateway);
      targets.push({
        label,
        target: { name: 'gateway', url: gateway.url, method: 'POST', path: GATEWAY_PATH, headers },
        process: gateway,
      });
    }

    progress(`warm-up: ${WARMUP_SECONDS} s at ${CONNECTIONS} connections on each target`);
    for (const { target } of targets) await saturate(target, CONNECTIONS, WARMUP_SECONDS);

    const rounds = new Map<string, Round[]>(targets.map(({ label }) => [label, []]));
    const loads = [`start ${load()}`];
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const { label, target, process: child } of order) {
        progress(`round ${round + 1}/${ROUNDS}: ${label} at ${CONNECTIONS} connections for ${SECONDS} s`);
        const before = cpuMs(running(child, label).pid);
        const run = await saturate(target, CONNECTIONS, SECONDS);
        running(child, label);
        const cpuUsPerRequest = ((cpuMs(child.pid) - before) * 1000) / Math.max(1, run.requests);
        const bad = run.non2xx + run.errors;
        failed += bad;
        rounds.get(label)!.push({ cpuUsPerRequest, reqPerSec: run.reqPerSec, failed: bad });
      }
      loads.push(`round ${round + 1} ${load()}`);
    }

    const peaks = new Map<string, number>();
    for (const { label, process: child } of targets)
      peaks.set(label, (await readMemory(running(child, label).pid)).hwmBytes);
    const proxyReqPerSec = median(rounds.get('proxy')!.map((r) => r.reqPerSec));
    const rows = [...rounds].map(([name, runs]) => {
      const reqPerSec = median(runs.map((r) => r.reqPerSec));
      return [
        name,
        Math.round(median(runs.map((r) => r.cpuUsPerRequest))),
        Math.round(reqPerSec),
        `${(reqPerSec / proxyReqPerSec).toFixed(2)}x`,
        `${Math.round(peaks.get(name)! / 1e6)} MB`,
        runs.map((r) => `${Math.round(r.cpuUsPerRequest)} µs ${Math.round(r.reqPerSec)}/s`).join(', '),
      ];
    });
    process.stdout.write(
      table(
        `Builds side by side: medians of ${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} connections`,
        ['target', 'CPU µs / request', 'req/s', 'vs proxy', 'peak RSS', 'rounds'],
        rows,
      ),
    );
    process.stdout.write(`load average: ${loads.join('; ')}\nfailed requests: ${failed}\n`);
  } finally {
    for (const child of started.reverse()) await child.stop().catch(() => undefined);
    if (configFile) removeReplicaConfig(configFile);
    for (const prefix of keyPrefixes) await deleteKeys(redis, prefix).catch(() => undefined);
    redis.disconnect();
    await redisServer.stop();
  }
  if (failed > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
