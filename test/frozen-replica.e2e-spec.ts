import { randomUUID } from 'node:crypto';
import { findChunkHolder } from './support/bull';
import { testConfig } from './support/gateway';
import { GatewayProcess, startReplicas, writeConfigFile } from './support/gateway-process';
import { KEYS } from './support/keys';
import {
  allResults,
  numberRange,
  seedOzonetelNumbers,
  startBulkDelete,
  waitForOperation,
} from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { ozonetelDeleteCalls, startTestSandbox, TestSandbox } from './support/sandbox';

/** Waits never longer than a short moment: the chunk stays on its worker, sending, while frozen. */
const BUDGET = { limit: 10, windowMs: 200 };
const LOCK_MS = 2000;
const IN_FLIGHT = 4;

describe('a replica frozen mid-chunk (SIGSTOP), then resumed', () => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let replicas: GatewayProcess[] = [];
  const prefix = `frozen:${randomUUID()}:`;

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
    await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
    const config = testConfig(sandbox, {
      patch: { 'in-ozonetel': { rateLimit: { ...BUDGET, marginMs: 50 } } },
      settings: { operationLockMs: LOCK_MS, operationNumbersInFlight: IN_FLIGHT },
    });
    replicas = await startReplicas(3, {
      GATEWAY_CONFIG: writeConfigFile(config),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
    });
  }, 60_000);
  afterAll(async () => {
    for (const replica of replicas) replica.child.kill('SIGCONT');
    await Promise.all(replicas.map((replica) => replica.stop()));
    await sandbox.close();
    await redis.stop();
  });

  it('lets another replica finish the chunk; after SIGCONT it sends no number again beyond those in flight', async () => {
    const numbers = numberRange(9_760_000_000, 250);
    await seedOzonetelNumbers(sandbox, numbers);
    const id = await startBulkDelete(replicas[0].as(KEYS.admin), 'in-ozonetel', 'Renewals_Q4', numbers);

    const holder = await findChunkHolder(redis.url, prefix, replicas);
    expect(holder).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 100)); // mid-chunk, calls in flight
    holder!.child.kill('SIGSTOP');
    const frozenAt = (await ozonetelDeleteCalls(sandbox)).length;
    await new Promise((resolve) => setTimeout(resolve, LOCK_MS + 3000));
    const whileFrozen = (await ozonetelDeleteCalls(sandbox)).length - frozenAt;
    holder!.child.kill('SIGCONT');

    const survivor = replicas.find((replica) => replica !== holder)!.as(KEYS.admin);
    const done = await waitForOperation(survivor, id, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything the resumed replica still sends lands
    expect(done).toMatchObject({ status: 'completed', progress: { total: 250, processed: 250, failed: 0 } });
    expect(done.progress.deleted + done.progress.notFound).toBe(250);
    const results = await allResults(survivor, id);
    expect(results.map((r) => r.phoneNumber)).toEqual(numbers);

    const sent = new Map<string, number>();
    const calls = (await ozonetelDeleteCalls(sandbox)).filter((c) => !c.rateLimited);
    for (const call of calls) sent.set(call.body.phoneNumber, (sent.get(call.body.phoneNumber) ?? 0) + 1);
    const twice = [...sent].filter(([, count]) => count > 1);
    console.log(
      `frozen replica: ${calls.length} vendor calls for 250 numbers, ${whileFrozen} of them while it was ` +
        `frozen ${LOCK_MS + 3000} ms; sent more than once: ${twice.length} (${twice
          .slice(0, 8)
          .map(([n, c]) => `${n} x${c}`)
          .join(', ')})`,
    );
    expect(whileFrozen).toBeGreaterThan(0); // another replica took the chunk over meanwhile
    expect(sent.size).toBe(250);
    expect(twice.length).toBeLessThanOrEqual(IN_FLIGHT);
    expect(Math.max(...sent.values())).toBeLessThanOrEqual(2);
  });
});
