/**
 * The overhead benchmark (issue 8): what the gateway's hop costs next to a bare proxy of the same hop
 * and next to calling the upstream directly. Run from the repository root:
 *
 *   npm run bench:overhead
 *
 * It starts, each as its own process, a light upstream that answers the iSales success envelope at
 * once (`upstream.ts`), a bare Fastify proxy of the same hop (`proxy.ts`) and the gateway
 * (`apps/gateway/src/main.ts`) on Redis with limits that never bite, and drives all three with
 * autocannon. Uses REDIS_URL when set (writing only under its own key prefix, deleted at the end),
 * else a throwaway redis-server. Linux only (memory from /proc/<pid>/status). Figures go to stdout,
 * progress to stderr, everything to bench/out/overhead.json. The exit code is 1 if any request failed.
 *
 *   OVERHEAD_ROUNDS=3            rounds of the fixed-rate and saturation runs (medians are reported)
 *   OVERHEAD_RATE_SECONDS=10     length of each 500 req/s run
 *   OVERHEAD_SATURATION_SECONDS=10  length of each 16-connection throughput run
 *   OVERHEAD_SOAK_SECONDS=60     length of the saturation run after which peak RSS is read
 *   OVERHEAD_GATEWAY=build       (the default) build the gateway (nest build gateway) and run the
 *                                build with start:prod's node flags, as production does;
 *                                `ts-node`: the sources through ts-node instead
 *   OVERHEAD_OTEL=otlp           the gateway exports its spans (OTEL_TRACES_EXPORTER=otlp, OTLP/HTTP
 *                                protobuf) to a stand-in collector the benchmark starts (collector.ts);
 *                                unset or `none`: no exporter (spans are made and propagated, not sent)
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { startTestRedis } from '../../test/support/redis';
import { readMemory, samplePeak } from '../operations/process-memory';
import { removeReplicaConfig } from '../operations/replicas';
import { MachineFacts, machineFacts } from '../shared/machine';
import { deleteKeys } from '../shared/redis-keys';
import { median } from '../shared/stats';
import { progress } from '../shared/progress';
import { BENCH_KEY, GATEWAY_PATH, UPSTREAM_PATH, writeOverheadConfig } from './config';
import { FixedRateRun, fixedRate, saturate, SaturationRun, Target } from './load';
import {
  BenchProcess,
  buildGateway,
  forkServer,
  gatewayBuiltFromEnv,
  startGateway,
  startProdNodeFlags,
} from './processes';
import { cpuMs } from './process-cpu';
import { render } from './render';

const OUT_FILE = join(__dirname, '../out/overhead.json');

const seconds = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

export const SETUP = {
  rounds: seconds('OVERHEAD_ROUNDS', 3),
  rate: 500,
  rateSeconds: seconds('OVERHEAD_RATE_SECONDS', 10),
  connections: 16,
  saturationSeconds: seconds('OVERHEAD_SATURATION_SECONDS', 10),
  soakSeconds: seconds('OVERHEAD_SOAK_SECONDS', 60),
  warmupSeconds: 3,
  rssSampleEveryMs: 100,
};

/** Issue 8's targets. */
export const TARGETS = {
  throughputVsProxy: 0.5,
  addedP50Ms: 0.5,
  addedP99Ms: 3,
  peakRssBytes: 200 * 1_000_000,
};

/** `OVERHEAD_OTEL`: whether the gateway exports its spans, to the benchmark's stand-in collector. */
export type SpanExport = 'none' | 'otlp';
const spanExportFromEnv = (): SpanExport => {
  const value = process.env.OVERHEAD_OTEL || 'none';
  if (value !== 'none' && value !== 'otlp') throw new Error('OVERHEAD_OTEL must be "otlp" or "none"');
  return value;
};

/** The gateway's environment for it: an OTLP/HTTP exporter to the collector, or none at all. */
function spanExportEnv(kind: SpanExport, collectorUrl?: string): Record<string, string> {
  if (kind === 'none') return { OTEL_TRACES_EXPORTER: 'none' };
  return {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl!,
  };
}

/** The collector's counts so far: exports received and their bytes. */
async function collectorCounts(collector: BenchProcess): Promise<{ exports: number; bytes: number }> {
  const reply = once(collector.child, 'message');
  collector.child.send('counts');
  return ((await reply) as [{ exports: number; bytes: number }])[0];
}

const load = () => loadavg().map((value) => Number(value.toFixed(2))) as [number, number, number];

export interface TargetRounds {
  fixedRate: FixedRateRun[];
  /** With the CPU time (user + system) the target's process spent per answered request. */
  saturation: (SaturationRun & { cpuUsPerRequest: number })[];
}

export type BenchResults = Awaited<ReturnType<typeof collect>> & {
  machine: MachineFacts;
  gateway: string;
  spanExport: { kind: SpanExport; received?: { exports: number; bytes: number } };
};

async function collect(
  targets: Target[],
  processes: Record<Target['name'], BenchProcess>,
  gatewayLog: { lines: number },
) {
  const idleRss = Object.fromEntries(
    await Promise.all(targets.map(async (t) => [t.name, (await readMemory(processes[t.name].pid)).rssBytes])),
  ) as Record<Target['name'], number>;

  progress(`warm-up: ${SETUP.warmupSeconds} s at ${SETUP.connections} connections on each target`);
  for (const target of targets) await saturate(target, SETUP.connections, SETUP.warmupSeconds);

  const rounds: Record<Target['name'], TargetRounds> = {
    direct: { fixedRate: [], saturation: [] },
    proxy: { fixedRate: [], saturation: [] },
    gateway: { fixedRate: [], saturation: [] },
  };
  const loadAverages: { at: string; load: [number, number, number] }[] = [];
  const gatewayRequestsBefore = gatewayLog.lines;
  let gatewayRequests = 0;
  for (let round = 0; round < SETUP.rounds; round++) {
    // Each round starts with another target, so a slow spell on the machine does not always hit one.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    loadAverages.push({ at: `round ${round + 1}`, load: load() });
    for (const target of order) {
      progress(
        `round ${round + 1}/${SETUP.rounds}: ${target.name} at ${SETUP.rate} req/s for ${SETUP.rateSeconds} s`,
      );
      const result = await fixedRate(target, SETUP.rate, SETUP.rateSeconds);
      rounds[target.name].fixedRate.push(result);
      if (target.name === 'gateway') gatewayRequests += result.requests;
    }
    for (const target of order) {
      progress(
        `round ${round + 1}/${SETUP.rounds}: ${target.name} at ${SETUP.connections} connections for ${SETUP.saturationSeconds} s`,
      );
      const cpuBefore = cpuMs(processes[target.name].pid);
      const result = await saturate(target, SETUP.connections, SETUP.saturationSeconds);
      const cpuUsPerRequest = ((cpuMs(processes[target.name].pid) - cpuBefore) * 1000) / result.requests;
      rounds[target.name].saturation.push({ ...result, cpuUsPerRequest });
      if (target.name === 'gateway') gatewayRequests += result.requests;
    }
  }
  const logLinesPerRequest = (gatewayLog.lines - gatewayRequestsBefore) / gatewayRequests;

  const soak = {} as Record<Target['name'], { reqPerSec: number; peakRssBytes: number; endRssBytes: number }>;
  for (const target of targets) {
    loadAverages.push({ at: `soak ${target.name}`, load: load() });
    progress(
      `soak: ${target.name} at ${SETUP.connections} connections for ${SETUP.soakSeconds} s (peak RSS)`,
    );
    const sampler = samplePeak(processes[target.name].pid, SETUP.rssSampleEveryMs);
    const result = await saturate(target, SETUP.connections, SETUP.soakSeconds);
    const peak = await sampler.stop(); // VmHWM was never reset: the peak since the process started
    const end = await readMemory(processes[target.name].pid);
    soak[target.name] = {
      reqPerSec: result.reqPerSec,
      peakRssBytes: peak.peakBytes,
      endRssBytes: end.rssBytes,
    };
  }
  loadAverages.push({ at: 'end', load: load() });

  const summary = Object.fromEntries(
    targets.map((t) => [
      t.name,
      {
        p50Ms: median(rounds[t.name].fixedRate.map((r) => r.p50Ms)),
        p99Ms: median(rounds[t.name].fixedRate.map((r) => r.p99Ms)),
        maxReqPerSec: median(rounds[t.name].saturation.map((r) => r.reqPerSec)),
        saturatedP50Ms: median(rounds[t.name].saturation.map((r) => r.p50Ms)),
        cpuUsPerRequest: median(rounds[t.name].saturation.map((r) => r.cpuUsPerRequest)),
        idleRssBytes: idleRss[t.name],
        peakRssBytes: soak[t.name].peakRssBytes,
      },
    ]),
  ) as Record<Target['name'], Summary>;

  const added = (name: 'proxy' | 'gateway') => ({
    p50Ms: summary[name].p50Ms - summary.direct.p50Ms,
    p99Ms: summary[name].p99Ms - summary.direct.p99Ms,
  });
  const throughputVsProxy = summary.gateway.maxReqPerSec / summary.proxy.maxReqPerSec;
  const gatewayAdded = added('gateway');
  const verdicts = {
    throughput: throughputVsProxy >= TARGETS.throughputVsProxy,
    latency: gatewayAdded.p50Ms <= TARGETS.addedP50Ms && gatewayAdded.p99Ms <= TARGETS.addedP99Ms,
    memory: summary.gateway.peakRssBytes <= TARGETS.peakRssBytes,
  };
  const failures = targets.flatMap((t) =>
    [...rounds[t.name].fixedRate, ...rounds[t.name].saturation]
      .filter((r) => r.non2xx > 0 || r.errors > 0)
      .map((r) => `${t.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`),
  );
  return {
    setup: SETUP,
    targets: TARGETS,
    loadAverages,
    summary,
    added: { proxy: added('proxy'), gateway: gatewayAdded },
    throughputVsProxy,
    verdicts,
    soak,
    gatewayLogLinesPerRequest: logLinesPerRequest,
    rounds,
    failures,
  };
}

export interface Summary {
  p50Ms: number;
  p99Ms: number;
  maxReqPerSec: number;
  saturatedP50Ms: number;
  /** CPU time of the target's process per request at saturation: less swayed by a busy machine than req/s. */
  cpuUsPerRequest: number;
  idleRssBytes: number;
  peakRssBytes: number;
}

async function main(): Promise<void> {
  if (gatewayBuiltFromEnv()) {
    progress('building the gateway (nest build gateway)');
    buildGateway();
  }
  const redisServer = await startTestRedis();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const keyPrefix = `bench:overhead:${randomUUID()}:`;
  const started: BenchProcess[] = [];
  let configFile: string | undefined;
  const spanExport = spanExportFromEnv();
  try {
    const machine = await machineFacts(redis, redisServer.ownsServer);
    progress('starting the upstream, the proxy and the gateway');
    const upstream = await forkServer('upstream', 'upstream.ts');
    started.push(upstream);
    const collector = spanExport === 'otlp' ? await forkServer('collector', 'collector.ts') : undefined;
    if (collector) started.push(collector);
    const proxy = await forkServer('proxy', 'proxy.ts', { UPSTREAM_URL: upstream.url });
    started.push(proxy);
    configFile = writeOverheadConfig(upstream.url);
    const gateway = await startGateway({
      configFile,
      env: { ...redisServer.env, REDIS_KEY_PREFIX: keyPrefix, ...spanExportEnv(spanExport, collector?.url) },
      built: gatewayBuiltFromEnv(),
    });
    started.push(gateway);

    const auth = { authorization: `Bearer ${BENCH_KEY}` };
    const targets: Target[] = [
      { name: 'direct', url: upstream.url, method: 'PUT', path: UPSTREAM_PATH, headers: auth },
      { name: 'proxy', url: proxy.url, method: 'POST', path: GATEWAY_PATH, headers: auth },
      { name: 'gateway', url: gateway.url, method: 'POST', path: GATEWAY_PATH, headers: auth },
    ];
    const processes = { direct: upstream, proxy, gateway };
    const results = {
      machine,
      gateway: gatewayBuiltFromEnv()
        ? `build (dist/), node ${[...startProdNodeFlags(), 'main.js'].join(' ')} as start:prod runs it`
        : 'sources through ts-node',
      ...(await collect(targets, processes, gateway.log)),
      spanExport: {
        kind: spanExport,
        // What reached the collector over the whole run, warm-up and soak included.
        received: collector ? await collectorCounts(collector) : undefined,
      },
    };
    process.stdout.write(render(results));
    mkdirSync(dirname(OUT_FILE), { recursive: true });
    writeFileSync(OUT_FILE, `${JSON.stringify(results, null, 2)}\n`);
    progress(`written ${OUT_FILE}`);
    if (results.failures.length > 0) {
      progress(`requests failed:\n${results.failures.join('\n')}\n${gateway.log.tail}`);
      process.exitCode = 1;
    }
  } finally {
    for (const child of started.reverse()) await child.stop().catch(() => undefined);
    if (configFile) removeReplicaConfig(configFile);
    await deleteKeys(redis, keyPrefix).catch(() => undefined);
    redis.disconnect();
    await redisServer.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
