import { ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { RedisConnection, redisConnectionFromEnv } from '@app/store';

/** The kinds of deployment the gateway supports, as tests start them. */
export type TestRedisKind = 'node' | 'cluster' | 'tls' | 'sentinel';

/** A Redis for tests: the one in REDIS_URL, or a throwaway server this process started. */
export interface TestRedis {
  kind: TestRedisKind;
  /** One node's URL (a Cluster's first node): for suites that only ever run on one node. */
  url: string;
  /** What a gateway process needs to reach it: REDIS_URL, or REDIS_CLUSTER_NODES, REDIS_CA_FILE... */
  env: Record<string, string>;
  /** The same, for a store in this process: `createRedisStore(redis.connection(), ...)`. */
  connection(): RedisConnection;
  /** True when this process started the server, so it may stop, kill and restart it. */
  ownsServer: boolean;
  /** Shuts a throwaway server down (and removes its directory); a no-op for REDIS_URL. */
  stop(): Promise<void>;
  /** Kills the server abruptly (SIGKILL), as a crash would; the port stays reserved for `restart`. */
  kill?(): Promise<void>;
  /**
   * Starts the server again on the same port (killing it first if it runs), once it answers PING:
   * empty, or from its append-only file when it was started with `{ appendOnly: true }`.
   */
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
export async function startTestRedis(kind: 'node' | 'cluster' = 'node'): Promise<TestRedis> {
  if (kind === 'cluster') {
    const nodes = process.env.REDIS_CLUSTER_NODES;
    if (!nodes) return startThrowawayCluster();
    return existing('cluster', { REDIS_CLUSTER_NODES: nodes }, `redis://${nodes.split(',')[0].trim()}`);
  }
  const url = process.env.REDIS_URL;
  if (url) return existing('node', { REDIS_URL: url }, url);
  return startThrowawayRedis();
}

/**
 * The Redis deployments the gateway supports, each started on loopback, for suites that run on all
 * of them: `describe.each(REDIS_DEPLOYMENTS)('... on %s', (_name, start) => ...)`.
 */
export const REDIS_DEPLOYMENTS: [string, () => Promise<TestRedis>][] = [
  ['one node', () => startTestRedis('node')],
  ['a 3-primary Redis Cluster', () => startTestRedis('cluster')],
];

function existing(kind: TestRedisKind, env: Record<string, string>, url: string): TestRedis {
  return {
    kind,
    url,
    env,
    connection: () => new RedisConnection(redisConnectionFromEnv(env)!),
    ownsServer: false,
    stop: async () => undefined,
  };
}

/** One node's URL and its environment. */
function nodeRedis(port: number): Pick<TestRedis, 'kind' | 'url' | 'env' | 'connection'> {
  const url = `redis://127.0.0.1:${port}`;
  return { kind: 'node', url, env: { REDIS_URL: url }, connection: () => RedisConnection.fromUrl(url) };
}

/**
 * A redis-server of our own on a free loopback port, for suites that need to break it (kill, restart,
 * freeze). Without persistence by default; with `appendOnly` it keeps an append-only file fsynced every
 * second in its own directory, as the README asks of production, and `restart` loads it again.
 */
export async function startThrowawayRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'cg-test-redis-'));
  const args = (port: number) => (options.appendOnly ? appendOnlyArgs(port, dir) : plainArgs(port, dir));
  let port = 0;
  let server: RedisProcess | undefined;
  // The free port we found may be taken before redis-server binds it; try a few.
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    try {
      server = await launch(binary, args(port), port);
    } catch (error) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current: RedisProcess = server;
  return {
    ...nodeRedis(port),
    ownsServer: true,
    stop: async () => {
      await current.end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => current.end('SIGKILL'),
    restart: async () => {
      await current.end('SIGKILL');
      current = await launch(binary, args(port), port);
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

/** A plain node on loopback without persistence. */
function plainArgs(port: number, dir: string, ...extra: string[]): string[] {
  return [
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
    ...extra,
  ];
}

/** A node on loopback with the append-only file fsynced every second, and no RDB snapshots. */
function appendOnlyArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--dir',
    dir,
  ];
}

async function launch(
  binary: string,
  args: string[],
  port: number,
  ping: (port: number) => Promise<boolean> = answersPing,
): Promise<RedisProcess> {
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
  while (!(await ping(port))) {
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
  return pings(connect({ port, host: '127.0.0.1' }), 'connect');
}

/** The same over TLS, trusting `ca`. */
function answersPingOverTls(ca: string): (port: number) => Promise<boolean> {
  return (port) => pings(tlsConnect({ port, host: '127.0.0.1', ca }), 'secureConnect');
}

function pings(socket: Socket, connected: 'connect' | 'secureConnect'): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once(connected, () => socket.write('PING\r\n'));
    // Any reply will do: a server requiring AUTH answers -NOAUTH, and that is up too.
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString('utf8'))));
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
  return findOnPath('redis-server');
}

function findOnPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `These tests need a Redis, and ${name} is not on PATH. Install it with ` +
      '`apt-get install redis-server` (Debian/Ubuntu), or set REDIS_URL to a Redis the tests may write to ' +
      '(e.g. REDIS_URL=redis://127.0.0.1:6379; they keep to their own key prefixes and never flush it).',
  );
}

const run = promisify(execFile);

/** Starts a server on a free port, trying a few: the port we found may be taken before it binds. */
async function launchOnFreePort(
  start: (port: number) => Promise<RedisProcess>,
): Promise<[number, RedisProcess]> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return [port, await start(port)];
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Several servers of one deployment, stopped together, their directory removed after. */
async function deployment(
  kind: TestRedisKind,
  dir: string,
  start: (servers: RedisProcess[]) => Promise<Pick<TestRedis, 'url' | 'env' | 'connection'>>,
): Promise<TestRedis> {
  const servers: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.end('SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const reach = await start(servers);
    return { kind, ...reach, ownsServer: true, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A Redis Cluster of three primaries (no replicas) on loopback, every slot assigned, once all three say
 * `cluster_state:ok`.
 */
export async function startThrowawayCluster(): Promise<TestRedis> {
  const binary = findRedisServer();
  const cli = findOnPath('redis-cli');
  const dir = mkdtempSync(join(tmpdir(), 'cg-test-cluster-'));
  return deployment('cluster', dir, async (servers) => {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [port, server] = await launchOnFreePort((p) =>
        launch(
          binary,
          plainArgs(
            p,
            dir,
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${p}.conf`),
          ),
          p,
        ),
      );
      servers.push(server);
      ports.push(port);
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run(cli, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (const port of ports) {
      for (;;) {
        const { stdout } = await run(cli, ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`the cluster did not become ok on ${port}:\n${stdout}`);
        await sleep(100);
      }
    }
    const env = { REDIS_CLUSTER_NODES: addresses.join(',') };
    return {
      url: `redis://${addresses[0]}`,
      env,
      connection: () => new RedisConnection(redisConnectionFromEnv(env)!),
    };
  });
}

/** The ACL user the TLS server gets (the `default` user is off there). */
export const TLS_REDIS_USER = { username: 'gateway', password: 'gateway-secret-1' };

/**
 * One node that speaks TLS only, with a certificate for 127.0.0.1 from a throwaway CA (made with
 * openssl in the temporary directory) and the ACL user `TLS_REDIS_USER`: REDIS_URL is
 * `rediss://gateway:...@127.0.0.1:<port>`, REDIS_CA_FILE the CA.
 */
export async function startTlsRedis(): Promise<TestRedis & { caFile: string }> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'cg-test-tls-redis-'));
  const caFile = join(dir, 'ca.crt');
  const redis = await deployment('tls', dir, async (servers) => {
    await makeCertificates(dir);
    const ca = readFileSync(caFile, 'utf8');
    const { username, password } = TLS_REDIS_USER;
    const [port, server] = await launchOnFreePort((p) =>
      launch(
        binary,
        [
          ...plainArgs(0, dir),
          '--tls-port',
          String(p),
          '--tls-cert-file',
          join(dir, 'server.crt'),
          '--tls-key-file',
          join(dir, 'server.key'),
          '--tls-ca-cert-file',
          caFile,
          '--tls-auth-clients',
          'no',
          '--user',
          username,
          'on',
          `>${password}`,
          '~*',
          '&*',
          '+@all',
          '--user',
          'default',
          'off',
        ],
        p,
        answersPingOverTls(ca),
      ),
    );
    servers.push(server);
    const url = `rediss://${username}:${password}@127.0.0.1:${port}`;
    const env = { REDIS_URL: url, REDIS_CA_FILE: caFile };
    return { url, env, connection: () => new RedisConnection(redisConnectionFromEnv(env)!) };
  });
  return { ...redis, caFile };
}

/** A CA, and a server certificate for 127.0.0.1 it signed, in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = findOnPath('openssl');
  const at = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run(openssl, [
    'req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '1',
    '-subj', '/CN=campaign-gateway test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  await run(openssl, [
    'req',
    ...ec,
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(
    at('server.ext'),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await run(openssl, [
    'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'),
    '-CAcreateserial', '-out', at('server.crt'), '-days', '1', '-extfile', at('server.ext'),
  ]); // prettier-ignore
}

/** The name the test Sentinel knows its primary by. */
export const SENTINEL_PRIMARY_NAME = 'cg-primary';

/**
 * A primary watched by one Sentinel (`redis-server --sentinel`), both on loopback: REDIS_SENTINELS
 * names the sentinel, REDIS_SENTINEL_NAME the primary. `url` is the primary's own address.
 */
export async function startSentinelRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'cg-test-sentinel-'));
  return deployment('sentinel', dir, async (servers) => {
    const [primaryPort, primary] = await launchOnFreePort((p) => launch(binary, plainArgs(p, dir), p));
    servers.push(primary);
    const [sentinelPort, sentinel] = await launchOnFreePort((p) => {
      // Sentinel rewrites its configuration file, so it gets one of its own.
      const config = join(dir, `sentinel-${p}.conf`);
      writeFileSync(
        config,
        [
          `port ${p}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_PRIMARY_NAME} 127.0.0.1 ${primaryPort} 1`,
          `sentinel down-after-milliseconds ${SENTINEL_PRIMARY_NAME} 5000`,
          '',
        ].join('\n'),
      );
      return launch(binary, [config, '--sentinel'], p);
    });
    servers.push(sentinel);
    const env = { REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_NAME: SENTINEL_PRIMARY_NAME };
    return {
      url: `redis://127.0.0.1:${primaryPort}`,
      env,
      connection: () => new RedisConnection(redisConnectionFromEnv(env)!),
    };
  });
}
