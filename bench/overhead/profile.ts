/**
 * Issue 8, step 2: where the gateway's time and memory go on the hot path. Run from the repository
 * root:
 *
 *   npm run bench:overhead:profile
 *
 * Starts Redis (REDIS_URL or a throwaway redis-server), the light upstream and the gateway as in
 * `npm run bench:overhead`, the gateway with `--cpu-prof` and `--heapsnapshot-signal=SIGUSR2`, then:
 *
 * 1. counts the Redis commands the gateway sends per request (MONITOR, over 300 requests one at a
 *    time, less what the gateway sends on its own in as long idle);
 * 2. reads the gateway's memory (VmRSS, RssAnon, RssFile) and takes a heap snapshot once it is idle;
 * 3. drives it at 16 connections for OVERHEAD_PROFILE_SECONDS (default 30) and summarises the CPU
 *    profile of that window: self time by function and by module, time with a module on the stack;
 * 4. drives it for OVERHEAD_ALLOCATION_SECONDS (default 10) more with V8's sampling heap profiler
 *    (allocation-sampler.cjs, preloaded; objects the GC already collected are counted too) and
 *    summarises what a request allocates, by module and by frame: what feeds the GC;
 * 5. reads its memory and takes a second heap snapshot after the load.
 *
 * Figures go to stdout, progress to stderr, the summary to bench/out/overhead-profile.json; the
 * `.cpuprofile` (open it in Chrome DevTools or speedscope for the flame graph) and the heap snapshots
 * stay in bench/out/overhead-profile/.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startTestRedis } from '../../test/support/redis';
import { removeReplicaConfig } from '../operations/replicas';
import { machineFacts } from '../shared/machine';
import { loadAverageText, progress } from '../shared/progress';
import { deleteKeys } from '../shared/redis-keys';
import { Cell, table } from '../shared/table';
import { AllocationShare, AllocationSummary, summarizeAllocations } from './allocation-profile';
import { summarizeProfile } from './cpu-profile';
import { summarizeHeap } from './heap-snapshot';
import { BENCH_KEY, GATEWAY_PATH, writeOverheadConfig } from './config';
import { saturate, Target } from './load';
import { BenchProcess, buildGateway, forkServer, gatewayBuiltFromEnv, startGateway } from './processes';

const OUT_DIR = join(__dirname, '../out/overhead-profile');
const ALLOCATION_FILE = join(OUT_DIR, 'allocations.heapprofile');
const OUT_FILE = join(__dirname, '../out/overhead-profile.json');
const PROFILE_SECONDS = Number(process.env.OVERHEAD_PROFILE_SECONDS ?? 30);
const ALLOCATION_SECONDS = Number(process.env.OVERHEAD_ALLOCATION_SECONDS ?? 10);
const COUNTED_REQUESTS = 300;
const CONNECTIONS = 16;

/** V8's profile clock: microseconds of CLOCK_MONOTONIC, which every process on the machine shares. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
const load = loadAverageText;

interface Memory {
  rss: number;
  anon: number;
  file: number;
}

async function memoryOf(pid: number): Promise<Memory> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** Sends SIGUSR2 and waits for the snapshot file and for the gateway to answer again. */
async function heapSnapshot(gateway: BenchProcess): Promise<string> {
  const before = new Set(readdirSync(OUT_DIR));
  gateway.child.kill('SIGUSR2');
  for (;;) {
    const made = readdirSync(OUT_DIR).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (made) {
      // The snapshot is written on the main thread: once the gateway answers, the file is complete.
      while (
        (await fetch(`${gateway.url}/health/live`).then(
          (r) => r.status,
          () => 0,
        )) !== 200
      )
        await sleep(200);
      return join(OUT_DIR, made);
    }
    await sleep(200);
  }
}

/** A key with its run prefix, ids and numbers taken out: `cg:idem:<id>` → `idem:*`. */
function keyShape(key: string, prefix: string): string {
  return key
    .replace(prefix, '')
    .replace(/^\{/, '{')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/[0-9a-f]{32,}/g, '<hash>')
    .replace(/\d+/g, '<n>');
}

/** Commands the gateway sends, by command (and the first key's shape), while `during` runs. */
async function countCommands(redisUrl: string, prefix: string, during: () => Promise<void>) {
  const monitorClient = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const monitor = await monitorClient.monitor();
  const counts = new Map<string, number>();
  let inScripts = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') {
      inScripts++;
      return;
    }
    const command = args[0].toLowerCase();
    let key = '';
    if (command === 'evalsha' || command === 'eval') key = Number(args[2]) > 0 ? (args[3] ?? '') : '';
    else if (args.length > 1) key = args[1];
    const name = `${command}${key ? ` ${keyShape(key, prefix)}` : ''}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  });
  await sleep(200);
  const started = Date.now();
  await during();
  const ms = Date.now() - started;
  await sleep(200);
  monitor.disconnect();
  monitorClient.disconnect();
  return { ms, counts, inScripts };
}

async function main(): Promise<void> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  if (gatewayBuiltFromEnv()) {
    progress('building the gateway (nest build gateway)');
    buildGateway();
  }
  const redisServer = await startTestRedis();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const keyPrefix = `bench:overhead:${randomUUID()}:`;
  const started: BenchProcess[] = [];
  let configFile: string | undefined;
  try {
    const machine = await machineFacts(redis, redisServer.ownsServer);
    const upstream = await forkServer('upstream', 'upstream.ts');
    started.push(upstream);
    configFile = writeOverheadConfig(upstream.url);
    const gateway = await startGateway({
      configFile,
      env: { ...redisServer.env, REDIS_KEY_PREFIX: keyPrefix, ALLOCATION_PROFILE_FILE: ALLOCATION_FILE },
      built: gatewayBuiltFromEnv(),
      nodeArgs: [
        '--cpu-prof',
        `--cpu-prof-dir=${OUT_DIR}`,
        `--diagnostic-dir=${OUT_DIR}`,
        '--heapsnapshot-signal=SIGUSR2',
        '--trace-gc',
        '-r',
        join(__dirname, 'allocation-sampler.cjs'),
      ],
    });
    started.push(gateway);
    const headers = { authorization: `Bearer ${BENCH_KEY}` };
    const target: Target = { name: 'gateway', url: gateway.url, method: 'POST', path: GATEWAY_PATH, headers };
    const one = async () => {
      const res = await fetch(`${gateway.url}${GATEWAY_PATH}`, { method: 'POST', headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`the gateway answered ${res.status}`);
    };
    for (let i = 0; i < 200; i++) await one(); // warm-up

    progress(`1/5 Redis commands per request: ${COUNTED_REQUESTS} requests one at a time, then as long idle`);
    const busy = await countCommands(redisServer.url, keyPrefix, async () => {
      for (let i = 0; i < COUNTED_REQUESTS; i++) await one();
    });
    const idle = await countCommands(redisServer.url, keyPrefix, () => sleep(busy.ms));
    const perRequest = [...new Set([...busy.counts.keys(), ...idle.counts.keys()])]
      .map((name) => ({
        command: name,
        perRequest: ((busy.counts.get(name) ?? 0) - (idle.counts.get(name) ?? 0)) / COUNTED_REQUESTS,
        busy: busy.counts.get(name) ?? 0,
        idle: idle.counts.get(name) ?? 0,
      }))
      .sort((a, b) => b.perRequest - a.perRequest);
    const commandsPerRequest = perRequest.reduce((sum, c) => sum + c.perRequest, 0);
    const scriptCommandsPerRequest = (busy.inScripts - idle.inScripts) / COUNTED_REQUESTS;

    progress('2/5 memory and a heap snapshot, idle');
    const idleMemory = await memoryOf(gateway.pid);
    const idleHeap = summarizeHeap(await heapSnapshot(gateway));
    const idleGc = gateway.log.lastMarkCompact;

    progress(`3/5 CPU profile: ${CONNECTIONS} connections for ${PROFILE_SECONDS} s (load ${load()})`);
    const loadBefore = load();
    const fromUs = monotonicUs() + 1_000_000;
    const run = await saturate(target, CONNECTIONS, PROFILE_SECONDS);
    const toUs = monotonicUs() - 500_000;
    const loadAfter = load();
    const loadedMemory = await memoryOf(gateway.pid);
    const loadedGc = gateway.log.lastMarkCompact;

    progress(
      `4/5 allocations: ${CONNECTIONS} connections for ${ALLOCATION_SECONDS} s with V8's sampling heap profiler`,
    );
    process.kill(gateway.pid, 'SIGWINCH');
    const allocationRun = await saturate(target, CONNECTIONS, ALLOCATION_SECONDS);
    process.kill(gateway.pid, 'SIGWINCH');
    for (let i = 0; i < 100 && !existsSync(ALLOCATION_FILE); i++) await sleep(100);
    const allocations = summarizeAllocations(ALLOCATION_FILE, allocationRun.requests);

    progress('5/5 a heap snapshot after the load, then the gateway stops and writes its profile');
    const loadedHeap = summarizeHeap(await heapSnapshot(gateway));
    const snapshotGc = gateway.log.lastMarkCompact;
    await gateway.stop();
    started.pop();
    const profileFile = readdirSync(OUT_DIR).find((name) => name.endsWith('.cpuprofile'));
    if (!profileFile || !existsSync(join(OUT_DIR, profileFile)))
      throw new Error('the gateway wrote no .cpuprofile');
    const cpu = summarizeProfile(join(OUT_DIR, profileFile), () => [fromUs, toUs]);
    if (cpu.samples === 0) throw new Error('no profile sample fell in the load window');

    const results = {
      machine,
      load: { before: loadBefore, after: loadAfter },
      run: {
        seconds: PROFILE_SECONDS,
        connections: CONNECTIONS,
        reqPerSec: run.reqPerSec,
        non2xx: run.non2xx,
      },
      redis: { commandsPerRequest, scriptCommandsPerRequest, perRequest, countedRequests: COUNTED_REQUESTS },
      gateway: gatewayBuiltFromEnv() ? 'build (dist/)' : 'sources through ts-node',
      memory: {
        idle: idleMemory,
        loaded: loadedMemory,
        idleHeap,
        loadedHeap,
        // V8's own account, from --trace-gc: heap used (committed) before -> after, MB.
        gc: { idleSnapshot: idleGc, lastUnderLoad: loadedGc, loadedSnapshot: snapshotGc },
      },
      cpu,
      allocations,
      files: { profile: join(OUT_DIR, profileFile), allocations: ALLOCATION_FILE },
    };
    process.stdout.write(render(results));
    writeFileSync(OUT_FILE, `${JSON.stringify(results, null, 2)}\n`);
    progress(`written ${OUT_FILE}`);
  } finally {
    for (const child of started.reverse()) await child.stop().catch(() => undefined);
    if (configFile) removeReplicaConfig(configFile);
    await deleteKeys(redis, keyPrefix).catch(() => undefined);
    redis.disconnect();
    await redisServer.stop();
  }
}

const mb = (bytes: number) => Number((bytes / 1_000_000).toFixed(1));
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

function render(r: {
  machine: Awaited<ReturnType<typeof machineFacts>>;
  load: { before: string; after: string };
  run: { seconds: number; connections: number; reqPerSec: number };
  redis: {
    commandsPerRequest: number;
    scriptCommandsPerRequest: number;
    perRequest: { command: string; perRequest: number; busy: number; idle: number }[];
  };
  memory: {
    idle: Memory;
    loaded: Memory;
    idleHeap: ReturnType<typeof summarizeHeap>;
    loadedHeap: ReturnType<typeof summarizeHeap>;
    gc: Record<string, string | undefined>;
  };
  gateway: string;
  cpu: ReturnType<typeof summarizeProfile>;
  allocations: AllocationSummary;
}): string {
  const out: string[] = [];
  const reqs = r.run.reqPerSec * (r.cpu.sampledMs / 1000);
  const perReq = (ms: number): Cell => Number(((ms * 1000) / reqs).toFixed(1));
  out.push(
    table(
      `Redis commands per request (sent by the gateway; ${r.redis.scriptCommandsPerRequest.toFixed(2)} more run inside scripts)`,
      ['command and first key', 'per request', 'counted', 'idle'],
      [
        ...r.redis.perRequest
          .filter((c) => c.busy > 0)
          .map((c) => [c.command, Number(c.perRequest.toFixed(2)), c.busy, c.idle]),
        ['total', Number(r.redis.commandsPerRequest.toFixed(2)), '', ''],
      ],
    ),
  );
  out.push(
    table(
      `CPU, self time by module (${r.run.connections} connections, ${Math.round(r.run.reqPerSec)} req/s, ${Math.round(r.cpu.sampledMs)} ms sampled, load ${r.load.before} → ${r.load.after})`,
      ['module or area', 'self ms', 'share', 'µs per request'],
      r.cpu.selfByArea.slice(0, 30).map((a) => [a.area, Math.round(a.ms), pct(a.share), perReq(a.ms)]),
    ),
  );
  out.push(
    table(
      'CPU, time with the module anywhere on the stack',
      ['module or area', 'ms', 'share', 'µs per request'],
      r.cpu.inclusiveByArea.slice(0, 40).map((a) => [a.area, Math.round(a.ms), pct(a.share), perReq(a.ms)]),
    ),
  );
  out.push(
    table(
      'CPU, top frames by self time',
      ['frame', 'module', 'self ms', 'share'],
      r.cpu.topFrames
        .slice(0, 30)
        .map((f) => [f.frame.slice(0, 110), f.area, Math.round(f.ms), pct(f.share)]),
    ),
  );
  const alloc = r.allocations;
  const kb = (share: AllocationShare) => [Number(share.kbPerRequest.toFixed(1)), pct(share.share)];
  out.push(
    table(
      `Allocated per request: ${alloc.kbPerRequest.toFixed(1)} KB (sampled, objects the GC collected included), by module itself`,
      ['module or area', 'KB per request', 'share'],
      alloc.selfByArea.map((a) => [a.name, ...kb(a)]),
    ),
  );
  out.push(
    table(
      'Allocated per request, with the module anywhere on the stack',
      ['module or area', 'KB per request', 'share'],
      alloc.inclusiveByArea.map((a) => [a.name, ...kb(a)]),
    ),
  );
  out.push(
    table(
      'Allocated per request, top frames',
      ['frame', 'KB per request', 'share'],
      alloc.topFrames.map((a) => [a.name.slice(0, 110), ...kb(a)]),
    ),
  );
  const m = r.memory;
  out.push(
    table(
      'Gateway memory (MB)',
      ['when', 'VmRSS', 'RssAnon', 'RssFile', 'live JS heap (snapshot)'],
      [
        [
          'idle, after start and 500 requests',
          mb(m.idle.rss),
          mb(m.idle.anon),
          mb(m.idle.file),
          mb(m.idleHeap.totalBytes),
        ],
        [
          `after ${r.run.seconds} s at ${r.run.connections} connections`,
          mb(m.loaded.rss),
          mb(m.loaded.anon),
          mb(m.loaded.file),
          mb(m.loadedHeap.totalBytes),
        ],
      ],
    ),
  );
  out.push(
    table(
      'V8 heap by --trace-gc (last full GC: used (committed) before -> after)',
      ['when', 'line'],
      Object.entries(m.gc).map(([when, line]) => [
        when,
        (line ?? 'none').replace(/^\[[^\]]*\]\s*/, '').slice(0, 120),
      ]),
    ),
  );
  out.push(
    table(
      'Live JS heap after the load, by kind and constructor (self size)',
      ['group', 'count', 'MB'],
      m.loadedHeap.top.map((g) => [g.group, g.count, mb(g.bytes)]),
    ),
  );
  out.push(
    table(
      'Machine',
      ['fact', 'value'],
      [
        ['date', r.machine.date],
        ['cpus', `${r.machine.cpus} x ${r.machine.cpuModel}`],
        ['os', r.machine.os],
        ['node', r.machine.node],
        ['redis', `${r.machine.redisVersion} (${r.machine.redis})`],
      ],
    ),
  );
  return out.join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
