import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/gateway-process';

const ROOT = join(__dirname, '../..');
const GATEWAY_MAIN = join(ROOT, 'apps/gateway/src/main.ts');
/** What `npm run build` makes and `npm run start:prod` runs. */
const GATEWAY_BUILD = join(ROOT, 'dist/apps/gateway/apps/gateway/src/main.js');
/** Every process of the run is started the same way (ts-node, transpile only), so their RSS compares. */
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];
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

/** Forks `upstream.ts` or `proxy.ts` and waits for the `{ port }` it sends once it listens. */
export async function forkServer(
  name: string,
  file: 'upstream.ts' | 'proxy.ts',
  env: Record<string, string> = {},
): Promise<BenchProcess> {
  const child = fork(join(__dirname, file), [], {
    cwd: ROOT,
    execArgv: TS_NODE,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
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
  /** Run the build (`npm run build` first) instead of the sources through ts-node. */
  built?: boolean;
}

/** `OVERHEAD_GATEWAY=build`: the benchmarks run the built gateway, as `npm run start:prod` does. */
export const gatewayBuiltFromEnv = (): boolean => process.env.OVERHEAD_GATEWAY === 'build';

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
  if (options.built && !existsSync(GATEWAY_BUILD))
    throw new Error(`${GATEWAY_BUILD} is missing: npm run build`);
  const entry = options.built ? [GATEWAY_BUILD] : [...TS_NODE, GATEWAY_MAIN];
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
