import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client } from './http';

const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'apps/gateway/src/main.ts');

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  as: (key: string | null) => ReturnType<typeof client>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const REDIS_DEPLOYMENT_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'];

/** Writes a configuration object to a temporary JSON file for GATEWAY_CONFIG. */
export function writeConfigFile(config: unknown, name = 'gateway.json'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gateway-process-')), name);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Runs apps/gateway/src/main.ts as its own process, the way `npm run start:prod` runs the build. */
export function spawnGateway(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  // A test that names its Redis names all of it: an inherited REDIS_URL must not meet its Cluster.
  const names = Object.keys(env).some((name) => REDIS_DEPLOYMENT_VARIABLES.includes(name));
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !(names && name.startsWith('REDIS_'))),
  );
  const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', MAIN], {
    cwd: ROOT,
    env: { ...inherited, TS_NODE_TRANSPILE_ONLY: 'true', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Starts a gateway process on `port` and waits until it answers. */
export async function startGatewayProcess(
  env: Record<string, string> & { PORT: string },
): Promise<GatewayProcess> {
  const { child, output } = spawnGateway({ HOST: '127.0.0.1', ...env });
  const url = `http://127.0.0.1:${env.PORT}`;
  // ts-node compiles the gateway at start: on a busy 2-core machine that alone took over 20 s.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}):\n${output()}`);
    try {
      const ready = await client(url, null).get('/health/live');
      if (ready.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Left running, it would keep jest from exiting and load the machine for the suites after it.
      child.kill('SIGKILL');
      throw new Error(`gateway did not start:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    output,
    as: (key) => client(url, key),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `count` gateway processes on one Redis and one configuration, started together. The Redis is named by
 * its variables: `REDIS_URL`, or a test Redis's `env` (Cluster, TLS, Sentinel).
 */
export async function startReplicas(
  count: number,
  env: { GATEWAY_CONFIG: string; REDIS_KEY_PREFIX: string } & Record<string, string>,
): Promise<GatewayProcess[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, async () =>
      startGatewayProcess({ PORT: String(await freePort()), LOG_LEVEL: 'warn', ...env }),
    ),
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    // The replicas that did start would outlive the failed suite.
    for (const result of started) if (result.status === 'fulfilled') result.value.child.kill('SIGKILL');
    throw failed.reason;
  }
  return started.map((result) => (result as PromiseFulfilledResult<GatewayProcess>).value);
}
