import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/gateway-process';
import { TS_NODE_ARGS } from '../../test/support/ts-node';

const ROOT = join(__dirname, '../..');
const GATEWAY_MAIN = join(ROOT, 'apps/gateway/src/main.ts');
/** What `npm run build` makes and `npm run start:prod` runs. */
const GATEWAY_BUILD = join(ROOT, 'dist/apps/gateway/apps/gateway/src/main.js');
/** Every process of the run is started the same way (ts-node, transpile only), so their RSS compares. */
const START_TIMEOUT_MS = 60_000;

/** A process of the run: the upstream, the proxy or the gateway. */
export interface BenchProcess {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Processes still running when the benchmark exits are killed, so none outlives a crashed run. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

async function ended(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}

/**
 * Forks `upstream.ts`, `proxy.ts`, `collector.ts` or `floor.ts` and waits for the `{ port }` it sends
 * once it listens. Its stdout (the floor's log lines) is drained, not kept.
 */
export async function forkServer(
  name: string,
  file: 'upstream.ts' | 'proxy.ts' | 'collector.ts' | 'floor.ts',
  env: Record<string, string> = {},
): Promise<BenchProcess> {
  const child = fork(join(__dirname, file), [], {
    cwd: ROOT,
    execArgv: TS_NODE_ARGS,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout?.resume();
  running.add(child);
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error(`${name} exited before it listened`);
    }),
  ])) as [{ port: number }];
  return {
    name,
    url: `http://127.0.0.1:${message.port}`,
    pid: child.pid!,
    child,
    stop: () => ended(child, 'SIGTERM'),
  };
}

export interface GatewayOptions {
  configFile: string;
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Node flags after start:prod's, so they override them (`--max-semi-space-size=8`). */
  overridingNodeArgs?: string[];
  /** Run the build (`npm run build` first) instead of the sources through ts-node. */
  built?: boolean;
  /** With `built`: another build's main.js than dist/'s (a saved build, for bench:overhead:ab). */
  entry?: string;
}

/**
 * The node flags `npm run start:prod` gives the build (package.json: `node <flags> dist/...`), so the
 * benchmarks run it as production does; the Dockerfile's CMD gives the same ones.
 */
export function startProdNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts['start:prod'].split(/\s+/);
  const node = words.indexOf('node');
  const entry = words.findIndex((word, i) => i > node && !word.startsWith('-'));
  return node === -1 || entry === -1 ? [] : words.slice(node + 1, entry);
}

/**
 * The benchmarks run the built gateway, as `npm run start:prod` does (`OVERHEAD_GATEWAY=build`, the
 * default), or its sources through ts-node (`OVERHEAD_GATEWAY=ts-node`), which cost it about a third
 * of its throughput and 200 MB of RSS that production never pays.
 */
export function gatewayBuiltFromEnv(): boolean {
  const value = process.env.OVERHEAD_GATEWAY || 'build';
  if (value !== 'build' && value !== 'ts-node')
    throw new Error('OVERHEAD_GATEWAY must be "build" or "ts-node"');
  return value === 'build';
}

/** Builds the gateway (`nest build gateway`), so a stale dist/ is never what gets measured. */
export function buildGateway(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'gateway'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** The gateway's log output: counted, not kept, except its last few KiB for an error message. */
export interface LogDrain {
  lines: number;
  bytes: number;
  tail: string;
  /** With `--trace-gc`: the last full collection's line (V8 heap used (committed) before -> after). */
  lastMarkCompact?: string;
}

/**
 * Runs apps/gateway/src/main.ts as its own process, as test/support/gateway-process.ts does, but with
 * the production log level (`info`: one line per request) and its stdout drained and counted instead
 * of kept in this process's memory.
 */
export async function startGateway(options: GatewayOptions): Promise<BenchProcess & { log: LogDrain }> {
  const port = await freePort();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('REDIS_')),
  );
  const build = options.entry ?? GATEWAY_BUILD;
  if (options.built && !existsSync(build)) throw new Error(`${build} is missing: npm run build`);
  const overriding = options.overridingNodeArgs ?? [];
  const entry = options.built
    ? [...startProdNodeFlags(), ...overriding, build]
    : [...overriding, ...TS_NODE_ARGS, GATEWAY_MAIN];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: {
      ...inherited,
      LOG_LEVEL: 'info',
      ...options.env,
      GATEWAY_CONFIG: options.configFile,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const log: LogDrain = { lines: 0, bytes: 0, tail: '' };
  const drain = (chunk: Buffer) => {
    log.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) log.lines++;
    log.tail = (log.tail + chunk.toString('utf8', Math.max(0, chunk.length - 4096))).slice(-4096);
    if (chunk.includes('Mark-Compact')) {
      const lines = chunk.toString('utf8').split('\n');
      log.lastMarkCompact = lines
        .filter((line) => line.includes('Mark-Compact'))
        .pop()
        ?.trim();
    }
  };
  child.stdout.on('data', drain);
  child.stderr.on('data', drain);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}):\n${log.tail}`);
    const live = await fetch(`${url}/health/ready`).then(
      (res) => res.status,
      () => 0,
    );
    if (live === 200) break;
    if (Date.now() > deadline) throw new Error(`the gateway did not become ready:\n${log.tail}`);
    await sleep(100);
  }
  return {
    name: 'gateway',
    url,
    pid: child.pid!,
    child,
    log,
    stop: () => ended(child, 'SIGTERM'),
  };
}
