import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A Redis for tests: the one in REDIS_URL, or a throwaway server this process started. */
export interface TestRedis {
  url: string;
  /** True when this process started the server, so it may stop, kill and restart it. */
  ownsServer: boolean;
  /** Shuts a throwaway server down (and removes its directory); a no-op for REDIS_URL. */
  stop(): Promise<void>;
  /** Kills the server abruptly (SIGKILL), as a crash would; the port stays reserved for `restart`. */
  kill?(): Promise<void>;
  /** Starts the server again, empty, on the same port, once it answers PING. */
  restart?(): Promise<void>;
  /** Stops the server's process (SIGSTOP): connections stay open but nothing answers. */
  freeze?(): Promise<void>;
  /** Lets a frozen server run again (SIGCONT). */
  thaw?(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 5_000;

/**
 * `REDIS_URL` when set (suites must then keep to their own key prefix and never flush it), else a
 * throwaway server of our own.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const url = process.env.REDIS_URL;
  if (url) return { url, ownsServer: false, stop: async () => undefined };
  return startThrowawayRedis();
}

/**
 * A redis-server of our own on a free loopback port, without persistence, for suites that need to
 * break it (kill, restart, freeze).
 */
export async function startThrowawayRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'cg-test-redis-'));
  let port = 0;
  let server: RedisProcess | undefined;
  // The free port we found may be taken before redis-server binds it; try a few.
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    try {
      server = await launch(binary, port, dir);
    } catch (error) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current: RedisProcess = server;
  return {
    url: `redis://127.0.0.1:${port}`,
    ownsServer: true,
    stop: async () => {
      await current.end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => current.end('SIGKILL'),
    restart: async () => {
      await current.end('SIGKILL');
      current = await launch(binary, port, dir);
    },
    freeze: async () => {
      current.child.kill('SIGSTOP');
    },
    thaw: async () => {
      current.child.kill('SIGCONT');
    },
  };
}

interface RedisProcess {
  child: ChildProcess;
  /** Sends `signal` (continuing a frozen process first) and resolves once the process has exited. */
  end(signal: NodeJS.Signals): Promise<void>;
}

/** Servers still running when the test process exits are killed, so none outlives a crashed suite. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

async function launch(binary: string, port: number, dir: string): Promise<RedisProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await end('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    }
    await sleep(50);
  }
  return { child, end };
}

/** True when something on the port answers PING like Redis does. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

function findRedisServer(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    'These tests need a Redis, and redis-server is not on PATH. Install it with ' +
      '`apt-get install redis-server` (Debian/Ubuntu), or set REDIS_URL to a Redis the tests may write to ' +
      '(e.g. REDIS_URL=redis://127.0.0.1:6379; they keep to their own key prefixes and never flush it).',
  );
}
