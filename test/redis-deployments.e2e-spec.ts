import { randomUUID } from 'node:crypto';
import { testConfig } from './support/gateway';
import { GatewayProcess, startReplicas, writeConfigFile } from './support/gateway-process';
import { KEYS } from './support/keys';
import { allResults, numberRange, seedOzonetelNumbers, waitForOperation } from './support/operations';
import {
  startSentinelRedis,
  startTestRedis,
  startTlsRedis,
  TestRedis,
  TLS_REDIS_USER,
} from './support/redis';
import { ozonetelDeleteCalls, startTestSandbox, TestSandbox } from './support/sandbox';

/** Generous, so the operation is quick: this suite is about where the state lives, not about pacing. */
const BUDGET = { limit: 200, windowMs: 1000 };

/**
 * The gateway as deployed on each kind of Redis, configured only through the environment: two
 * replicas take one bulk operation's chunks through BullMQ, the store and the inbound throttler on the
 * same deployment, and readiness reports it.
 */
describe.each<[string, () => Promise<TestRedis>]>([
  ['a 3-primary Redis Cluster (REDIS_CLUSTER_NODES)', () => startTestRedis('cluster')],
  ['Redis over TLS as an ACL user (rediss:// and REDIS_CA_FILE)', startTlsRedis],
  ['a Sentinel-managed primary (REDIS_SENTINELS)', startSentinelRedis],
])('the gateway on %s', (_deployment, startRedis) => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let replicas: GatewayProcess[] = [];

  beforeAll(async () => {
    [redis, sandbox] = await Promise.all([startRedis(), startTestSandbox()]);
    const config = testConfig(sandbox, {
      patch: { 'in-ozonetel': { rateLimit: BUDGET } },
      settings: { operationChunkSize: 10, operationLockMs: 3000 },
    });
    replicas = await startReplicas(2, {
      GATEWAY_CONFIG: writeConfigFile(config),
      REDIS_KEY_PREFIX: `deploy:${randomUUID()}:`,
      LOG_LEVEL: 'info',
      ...redis.env,
    });
  }, 60_000);

  beforeEach(async () => {
    await sandbox.ozonetel.post('/__sandbox/reset');
    await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await sandbox?.close();
    await redis?.stop();
  });

  it('is ready on it, and says which deployment it connected to', async () => {
    for (const replica of replicas) {
      const ready = await replica.as(null).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info.store).toEqual({ status: 'up', kind: 'redis' });
      // The start log names the deployment, never its password.
      expect(replica.output()).toMatch(/Redis: (cluster|node|sentinel)/);
      expect(replica.output()).not.toContain(TLS_REDIS_USER.password);
    }
  });

  it('runs a bulk operation to completion with two replicas, each number sent and recorded once', async () => {
    const numbers = numberRange(9_700_000_000, 60);
    await seedOzonetelNumbers(sandbox, numbers.slice(0, 55)); // the last 5 are not there
    const api = replicas[0].as(KEYS.admin);
    const accepted = await api.post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
      body: { phoneNumbers: numbers },
    });
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;

    // Either replica answers for it: the operation lives in the shared store.
    const done = await waitForOperation(replicas[1].as(KEYS.admin), id, 60_000);
    expect(done).toMatchObject({
      status: 'completed',
      progress: { total: 60, processed: 60, deleted: 55, notFound: 5, failed: 0 },
    });
    const results = await allResults(api, id);
    expect(results.map((r) => r.phoneNumber).sort()).toEqual(numbers);
    const sent = (await ozonetelDeleteCalls(sandbox)).map((call) => call.body.phoneNumber as string);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.sort()).toEqual(numbers);
  });

  it('replays an Idempotency-Key answer on the other replica', async () => {
    const [number] = numberRange(9_710_000_000, 1);
    await seedOzonetelNumbers(sandbox, [number]);
    const key = randomUUID();
    const send = (replica: GatewayProcess) =>
      replica.as(KEYS.admin).post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
        body: { phoneNumbers: [number] },
        headers: { 'idempotency-key': key },
      });
    const first = await send(replicas[0]);
    expect(first.status).toBe(200);
    const again = await send(replicas[1]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ozonetelDeleteCalls(sandbox)).toHaveLength(1);
  });
});
