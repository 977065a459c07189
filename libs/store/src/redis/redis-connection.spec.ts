import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import {
  describeRedisConnection,
  FAIL_FAST_CLIENT_OPTIONS,
  RedisConnection,
  redisConnectionFromEnv,
  RedisEnvError,
} from './redis-connection';

describe('Redis connection from the environment', () => {
  it('is undefined without any Redis variable (the in-memory store)', () => {
    expect(redisConnectionFromEnv({})).toBeUndefined();
  });

  it('reads one node, its ACL user and database from REDIS_URL', () => {
    expect(redisConnectionFromEnv({ REDIS_URL: 'redis://gw%40app:p%3Ass@redis.internal:6380/2' })).toEqual({
      target: { kind: 'node', host: 'redis.internal', port: 6380, db: 2 },
      username: 'gw@app',
      password: 'p:ss',
    });
    expect(redisConnectionFromEnv({ REDIS_URL: 'redis://127.0.0.1' })).toEqual({
      target: { kind: 'node', host: '127.0.0.1', port: 6379, db: 0 },
    });
    expect(redisConnectionFromEnv({ REDIS_URL: 'redis://:secret@[::1]:7000' })).toEqual({
      target: { kind: 'node', host: '::1', port: 7000, db: 0 },
      password: 'secret',
    });
  });

  it('turns TLS on with rediss:// and adds REDIS_CA_FILE', () => {
    expect(
      redisConnectionFromEnv({ REDIS_URL: 'rediss://u:p@cache.example:6380', REDIS_CA_FILE: '/etc/ca.pem' }),
    ).toEqual({
      target: { kind: 'node', host: 'cache.example', port: 6380, db: 0 },
      username: 'u',
      password: 'p',
      tls: { caFile: '/etc/ca.pem' },
    });
  });

  it('reads a Cluster from REDIS_CLUSTER_NODES, credentials and TLS from their own variables', () => {
    expect(
      redisConnectionFromEnv({
        REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, 10.0.0.2:7001 ,[fd00::3]:7002',
        REDIS_USERNAME: 'gateway',
        REDIS_PASSWORD: 'secret',
        REDIS_TLS: 'true',
        REDIS_CA_FILE: '/etc/ca.pem',
      }),
    ).toEqual({
      target: {
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: 'fd00::3', port: 7002 },
        ],
      },
      username: 'gateway',
      password: 'secret',
      tls: { caFile: '/etc/ca.pem' },
    });
  });

  it('reads a Sentinel-managed primary from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    expect(
      redisConnectionFromEnv({
        REDIS_SENTINELS: 's1:26379,s2:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_PASSWORD: 'data-secret',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      }),
    ).toEqual({
      target: {
        kind: 'sentinel',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
        name: 'mymaster',
        db: 0,
      },
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
    });
  });

  it.each([
    [{ REDIS_URL: 'redis://a', REDIS_CLUSTER_NODES: 'b:1' }, 'REDIS_URL, REDIS_CLUSTER_NODES', /only one/],
    [{ REDIS_URL: 'http://a' }, 'REDIS_URL', /neither redis: nor rediss:/],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL', /not a URL/],
    [{ REDIS_URL: 'redis://a/x' }, 'REDIS_URL', /database "x"/],
    [{ REDIS_URL: 'redis://a', REDIS_CA_FILE: '/ca.pem' }, 'REDIS_CA_FILE', /TLS is off/],
    [{ REDIS_URL: 'redis://a', REDIS_TLS: 'true' }, 'REDIS_TLS', /rediss:/],
    [{ REDIS_URL: 'redis://u:p@a', REDIS_PASSWORD: 'q' }, 'REDIS_USERNAME/REDIS_PASSWORD', /once/],
    [{ REDIS_CLUSTER_NODES: 'a:1,b' }, 'REDIS_CLUSTER_NODES', /"b" is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:70000' }, 'REDIS_CLUSTER_NODES', /not host:port/],
    [{ REDIS_CLUSTER_NODES: ' , ' }, 'REDIS_CLUSTER_NODES', /lists no host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS: 'maybe' }, 'REDIS_TLS', /neither true nor false/],
    [{ REDIS_SENTINELS: 's:26379' }, 'REDIS_SENTINEL_NAME', /required/],
    [{ REDIS_PASSWORD: 'orphan' }, 'REDIS_PASSWORD', /needs REDIS_URL/],
  ])('refuses %j, naming %s', (env, variable, problem) => {
    let error: unknown;
    try {
      redisConnectionFromEnv(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RedisEnvError);
    expect(error).toMatchObject({ variable, problem: expect.stringMatching(problem) });
  });

  it('describes a deployment without its secrets', () => {
    const spec = redisConnectionFromEnv({
      REDIS_CLUSTER_NODES: 'a:7000,b:7001',
      REDIS_USERNAME: 'gateway',
      REDIS_PASSWORD: 'top-secret',
      REDIS_TLS: '1',
    })!;
    expect(describeRedisConnection(spec)).toBe('cluster a:7000,b:7001, TLS, user gateway');
    const url = redisConnectionFromEnv({ REDIS_URL: 'redis://:top-secret@r:6379/3' })!;
    expect(describeRedisConnection(url)).toBe('node r:6379/3, password');
  });
});

describe('Redis connection: clients', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cg-redis-connection-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a Cluster whose nodes fail fast like a single node', () => {
    const connection = new RedisConnection({
      target: { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: 1 }] },
      username: 'u',
      password: 'p',
    });
    const cluster = connection.open('fail-fast', { lazyConnect: true }) as Cluster;
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      expect(cluster.options.enableOfflineQueue).toBe(false);
      expect(cluster.options.clusterRetryStrategy).toBe(FAIL_FAST_CLIENT_OPTIONS.retryStrategy);
      expect(cluster.options.redisOptions).toMatchObject({
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        commandTimeout: 2000,
        username: 'u',
        password: 'p',
      });
    } finally {
      cluster.disconnect();
    }
  });

  it('gives BullMQ settings for one node, and a lazy Cluster instance it closes itself for a Cluster', async () => {
    const node = new RedisConnection({ target: { kind: 'node', host: 'r', port: 6379, db: 1 } });
    expect(node.forBullMQ('blocking')).toMatchObject({
      host: 'r',
      port: 6379,
      db: 1,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      commandTimeout: undefined,
    });
    expect(node.forBullMQ('fail-fast')).toMatchObject({ maxRetriesPerRequest: 1, commandTimeout: 2000 });

    const cluster = new RedisConnection({
      target: { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: 1 }] },
    });
    const worker = cluster.forBullMQ('blocking') as Cluster;
    expect(worker).toBeInstanceOf(Cluster);
    expect(worker.status).toBe('wait');
    expect(worker.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    await cluster.close();
    expect(worker.status).toBe('end');
  });

  it('builds one TLS context, shared by every client, and refuses an unreadable CA file', () => {
    const notPem = join(dir, 'ca.der');
    writeFileSync(notPem, Buffer.from([0x30, 0x82, 0x01]));
    const withCa = (caFile: string) => () =>
      new RedisConnection({ target: { kind: 'node', host: 'r', port: 1, db: 0 }, tls: { caFile } });
    expect(withCa(notPem)).toThrow(/holds no PEM certificate/);
    expect(withCa(join(dir, 'missing.pem'))).toThrow(RedisEnvError);
    const tls = new RedisConnection({ target: { kind: 'node', host: 'r', port: 1, db: 0 }, tls: {} });
    const a = tls.open('fail-fast', { lazyConnect: true }) as Redis;
    const b = tls.open('fail-fast', { lazyConnect: true }) as Redis;
    try {
      expect(a.options.tls?.secureContext).toBeDefined();
      expect(a.options.tls?.secureContext).toBe(b.options.tls?.secureContext);
      expect(a.options.tls?.rejectUnauthorized).toBe(true);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
