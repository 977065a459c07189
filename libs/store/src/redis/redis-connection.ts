import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, SecureContext } from 'node:tls';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';

/** What the store and its neighbours talk to: one node (or a Sentinel-managed primary), or a Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisEndpoint {
  host: string;
  port: number;
}

/** Where Redis is: the three kinds of deployment the gateway connects to. */
export type RedisTarget =
  /** One node, or the primary behind a load balancer / managed endpoint. */
  | { kind: 'node'; host: string; port: number; db: number }
  /** A Redis Cluster: any of its nodes; the client discovers the rest. */
  | { kind: 'cluster'; nodes: RedisEndpoint[] }
  /** A primary that Sentinel watches (and fails over): the sentinels and the name they know it by. */
  | { kind: 'sentinel'; sentinels: RedisEndpoint[]; name: string; db: number };

/**
 * Everything needed to open a connection to the deployment, built once from the environment (or a
 * URL in tests) and used by the store, BullMQ and the inbound throttler alike.
 */
export interface RedisConnectionSpec {
  target: RedisTarget;
  /** ACL user (Redis 6+); absent means `default`. */
  username?: string;
  password?: string;
  /** Sentinel's own credentials, when the sentinels require them (they rarely share the data nodes'). */
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** TLS to every node (and every sentinel). Certificates are always checked. */
  tls?: {
    /** A PEM CA added to Node's bundled roots, for a private CA; never a way to turn checking off. */
    caFile?: string;
  };
}

/** A bad `REDIS_*` variable: the process must not start with it. */
export class RedisEnvError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'RedisEnvError';
  }
}

/**
 * Settings for a client on request paths: a request must fail within a couple of seconds when Redis is
 * down, never queue behind a reconnect, while the client keeps reconnecting in the background.
 */
export const FAIL_FAST_CLIENT_OPTIONS: RedisOptions = {
  // While disconnected, commands fail at once instead of waiting for a reconnect that may never come.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  // A hung server (or a dead peer the kernel has not noticed) fails the command, not the request.
  commandTimeout: 2000,
  // Never give up reconnecting; back off to one attempt a second.
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
};

/**
 * Settings for BullMQ's worker: its blocking commands wait as long as they need, queue while Redis
 * reconnects and retry without limit (BullMQ requires `maxRetriesPerRequest: null`).
 */
const BLOCKING_CLIENT_OPTIONS: RedisOptions = {
  ...FAIL_FAST_CLIENT_OPTIONS,
  maxRetriesPerRequest: null,
  enableOfflineQueue: true,
  commandTimeout: undefined,
};

/** How a client will be used: on request paths (fail fast) or by BullMQ's worker (blocking, patient). */
export type RedisClientRole = 'fail-fast' | 'blocking';

/**
 * Reads the deployment from the environment, or undefined when none is configured (the in-memory
 * store). Exactly one of:
 *
 * - `REDIS_URL=redis[s]://[user[:password]@]host[:port][/db]` — one node, or a primary;
 * - `REDIS_CLUSTER_NODES=host:port,host:port,...` — a Redis Cluster;
 * - `REDIS_SENTINELS=host:port,...` with `REDIS_SENTINEL_NAME` — a Sentinel-managed primary.
 *
 * Credentials: the URL's, else `REDIS_USERNAME` / `REDIS_PASSWORD` (the only way for Cluster and
 * Sentinel, whose addresses are lists); `REDIS_SENTINEL_USERNAME` / `REDIS_SENTINEL_PASSWORD` when the
 * sentinels require their own. TLS: `rediss://`, or `REDIS_TLS=true` for Cluster and Sentinel;
 * `REDIS_CA_FILE` adds a CA to the system roots.
 */
export function redisConnectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): RedisConnectionSpec | undefined {
  const value = (name: string) => (env[name] ?? '').trim() || undefined;
  const url = value('REDIS_URL');
  const clusterNodes = value('REDIS_CLUSTER_NODES');
  const sentinels = value('REDIS_SENTINELS');
  const given = [
    url && 'REDIS_URL',
    clusterNodes && 'REDIS_CLUSTER_NODES',
    sentinels && 'REDIS_SENTINELS',
  ].filter((name): name is string => !!name);
  if (given.length > 1) {
    throw new RedisEnvError(
      given.join(', '),
      'set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS',
    );
  }
  const caFile = value('REDIS_CA_FILE');
  const tlsFlag = parseFlag(value('REDIS_TLS'), 'REDIS_TLS');
  let spec: RedisConnectionSpec;
  if (url) {
    if (tlsFlag !== undefined) {
      throw new RedisEnvError('REDIS_TLS', 'with REDIS_URL, say TLS by its scheme: rediss://');
    }
    spec = parseRedisUrl(url, 'REDIS_URL');
  } else if (clusterNodes) {
    spec = { target: { kind: 'cluster', nodes: parseEndpoints(clusterNodes, 'REDIS_CLUSTER_NODES') } };
    if (tlsFlag) spec.tls = {};
  } else if (sentinels) {
    const name = value('REDIS_SENTINEL_NAME');
    if (!name) throw new RedisEnvError('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS');
    const db = parseDb(value('REDIS_DB') ?? '0', 'REDIS_DB');
    spec = {
      target: { kind: 'sentinel', sentinels: parseEndpoints(sentinels, 'REDIS_SENTINELS'), name, db },
    };
    if (tlsFlag) spec.tls = {};
    spec.sentinelUsername = value('REDIS_SENTINEL_USERNAME');
    spec.sentinelPassword = value('REDIS_SENTINEL_PASSWORD');
  } else {
    const stray = ['REDIS_CA_FILE', 'REDIS_SENTINEL_NAME', 'REDIS_USERNAME', 'REDIS_PASSWORD'].find(value);
    if (stray) {
      throw new RedisEnvError(stray, 'needs REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS to apply to');
    }
    return undefined;
  }
  const username = value('REDIS_USERNAME');
  const password = value('REDIS_PASSWORD');
  if ((username || password) && (spec.username || spec.password)) {
    throw new RedisEnvError(
      'REDIS_USERNAME/REDIS_PASSWORD',
      'the URL holds credentials already: give them once',
    );
  }
  spec.username ??= username;
  spec.password ??= password;
  if (caFile) {
    if (!spec.tls) {
      throw new RedisEnvError(
        'REDIS_CA_FILE',
        'TLS is off: use rediss:// (or REDIS_TLS=true with a node list)',
      );
    }
    spec.tls.caFile = caFile;
  }
  return strip(spec);
}

/** `redis://` or `rediss://` with optional credentials and database, as Redis clients write it. */
export function parseRedisUrl(url: string, variable = 'REDIS_URL'): RedisConnectionSpec {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisEnvError(variable, 'is not a URL (redis://host:port or rediss://user:password@host:port)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisEnvError(variable, `scheme ${parsed.protocol} is neither redis: nor rediss:`);
  }
  if (!parsed.hostname) throw new RedisEnvError(variable, 'names no host');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const db = parseDb(parsed.pathname.replace(/^\//, '') || '0', variable);
  return strip({
    target: { kind: 'node', host, port: parsed.port ? Number(parsed.port) : 6379, db },
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  });
}

/** Where the spec points, for logs: never a credential. */
export function describeRedisConnection(spec: RedisConnectionSpec): string {
  const { target } = spec;
  const list = (endpoints: RedisEndpoint[]) => endpoints.map((e) => `${e.host}:${e.port}`).join(',');
  const where =
    target.kind === 'node'
      ? `node ${target.host}:${target.port}${target.db ? `/${target.db}` : ''}`
      : target.kind === 'cluster'
        ? `cluster ${list(target.nodes)}`
        : `sentinel primary "${target.name}" via ${list(target.sentinels)}`;
  const user = spec.username ? `, user ${spec.username}` : spec.password ? ', password' : '';
  return `${where}${spec.tls ? ', TLS' : ''}${user}`;
}

/**
 * Opens clients for one deployment. The TLS secure context (system roots plus the CA file) is built
 * once and shared by every connection; a fresh one per connection costs about a megabyte each.
 */
export class RedisConnection {
  readonly kind: RedisTarget['kind'];
  private readonly secureContext?: SecureContext;
  /** Clients handed to BullMQ as instances (Cluster mode), which BullMQ leaves open: ours to close. */
  private readonly lent: RedisClient[] = [];

  constructor(readonly spec: RedisConnectionSpec) {
    this.kind = spec.target.kind;
    if (spec.tls) {
      const ca = [...rootCertificates];
      if (spec.tls.caFile) ca.push(readCaFile(spec.tls.caFile));
      this.secureContext = createSecureContext({ ca });
    }
  }

  static fromUrl(url: string): RedisConnection {
    return new RedisConnection(parseRedisUrl(url));
  }

  toString(): string {
    return describeRedisConnection(this.spec);
  }

  /** A new client the caller owns (and closes). */
  open(role: RedisClientRole = 'fail-fast', extra: { lazyConnect?: boolean } = {}): RedisClient {
    const options = role === 'blocking' ? BLOCKING_CLIENT_OPTIONS : FAIL_FAST_CLIENT_OPTIONS;
    const { target } = this.spec;
    if (target.kind === 'cluster') {
      // The Cluster takes the offline queue and the reconnect schedule itself; the rest per node.
      const { enableOfflineQueue, retryStrategy, ...perNode } = options;
      const clusterOptions: ClusterOptions = {
        enableOfflineQueue,
        clusterRetryStrategy: retryStrategy,
        // Reconnect to a node that restarts without a slot change (ioredis 6 does not by default).
        clusterNodeRetryStrategy: retryStrategy,
        lazyConnect: extra.lazyConnect,
        redisOptions: { ...perNode, ...this.credentials(), tls: this.tlsOptions() },
        // Node addresses come from CLUSTER SLOTS: keep the TLS name check on the announced address.
        ...(this.secureContext ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
      };
      return new Cluster(target.nodes, clusterOptions);
    }
    return new Redis({ ...options, ...this.nodeOptions(), lazyConnect: extra.lazyConnect });
  }

  /**
   * The connection BullMQ gets, for its queue (`fail-fast`) or its worker (`blocking`). For one node
   * or Sentinel, settings: BullMQ opens and closes its own clients. For a Cluster, BullMQ needs a
   * Cluster instance (it builds only single-node clients from settings); it duplicates the worker's and
   * closes the duplicates, and leaves the instance itself open, so `close` ends it.
   */
  forBullMQ(role: RedisClientRole): ConnectionOptions {
    if (this.kind === 'cluster') {
      // Lazy: BullMQ connects it when it starts, and a worker's template is only ever duplicated.
      const cluster = this.open(role, { lazyConnect: true }) as Cluster;
      this.lent.push(cluster);
      return cluster;
    }
    const options = role === 'blocking' ? BLOCKING_CLIENT_OPTIONS : FAIL_FAST_CLIENT_OPTIONS;
    // ioredis allows a null retry strategy, BullMQ's type does not; ours is always a function.
    const { retryStrategy, ...settings } = { ...options, ...this.nodeOptions() };
    return { ...settings, retryStrategy: retryStrategy ?? undefined };
  }

  /** Ends the clients lent to BullMQ; call after BullMQ has closed. */
  async close(): Promise<void> {
    await Promise.all(this.lent.splice(0).map((client) => closeClient(client)));
  }

  /** Everything but the fail-fast/blocking settings, for one node or Sentinel. */
  private nodeOptions(): RedisOptions {
    const { target } = this.spec;
    if (target.kind === 'cluster') throw new Error('a Cluster has no single node');
    const common: RedisOptions = {
      ...this.credentials(),
      db: target.db,
      tls: this.tlsOptions(),
      // A primary demoted by a failover answers writes with READONLY: reconnect, to the new primary
      // (Sentinel names it; a managed endpoint moves to it). The failed command is not resent.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    };
    if (target.kind === 'node') return { ...common, host: target.host, port: target.port };
    return {
      ...common,
      sentinels: target.sentinels,
      name: target.name,
      sentinelUsername: this.spec.sentinelUsername,
      sentinelPassword: this.spec.sentinelPassword,
      // TLS to the sentinels as to the primary they name.
      enableTLSForSentinelMode: !!this.secureContext,
      sentinelTLS: this.tlsOptions(),
    };
  }

  private credentials(): Pick<RedisOptions, 'username' | 'password'> {
    return { username: this.spec.username, password: this.spec.password };
  }

  private tlsOptions(): RedisOptions['tls'] {
    return this.secureContext ? { secureContext: this.secureContext, rejectUnauthorized: true } : undefined;
  }
}

/** QUIT lets pending replies arrive; when Redis is down it fails at once, and only a disconnect stops the reconnect loop. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    // Not connected (or connected but refused, as with a wrong password): nothing to wait for.
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}

/**
 * Answers once every node that holds data answers PING: the one node, or every Cluster primary (a
 * Cluster missing one cannot serve the keys in its slots). Throws otherwise.
 */
export async function pingRedis(client: RedisClient): Promise<void> {
  if (client instanceof Cluster) {
    if (client.status !== 'ready') throw new Error(`the Redis Cluster is ${client.status}`);
    const primaries = client.nodes('master');
    if (primaries.length === 0) throw new Error('the Redis Cluster has no reachable primary');
    await Promise.all(primaries.map((node) => node.ping()));
    return;
  }
  await client.ping();
}

function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RedisEnvError('REDIS_CA_FILE', `${path} cannot be read: ${(error as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new RedisEnvError('REDIS_CA_FILE', `${path} holds no PEM certificate`);
  }
  return pem;
}

function parseEndpoints(list: string, variable: string): RedisEndpoint[] {
  const endpoints = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(entry);
      const port = match ? Number(match[3]) : 0;
      if (!match || port < 1 || port > 65535) {
        throw new RedisEnvError(variable, `"${entry}" is not host:port`);
      }
      return { host: match[1] ?? match[2], port };
    });
  if (endpoints.length === 0) throw new RedisEnvError(variable, 'lists no host:port');
  return endpoints;
}

function parseDb(text: string, variable: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new RedisEnvError(variable, `database "${text}" is not a number`);
  return Number(text);
}

function parseFlag(text: string | undefined, variable: string): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new RedisEnvError(variable, `"${text}" is neither true nor false`);
}

/** Drops undefined fields, so specs compare and print cleanly. */
function strip(spec: RedisConnectionSpec): RedisConnectionSpec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as RedisConnectionSpec;
}
