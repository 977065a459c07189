import { randomUUID } from 'node:crypto';
import { testConfig } from './support/gateway';
import { GatewayProcess, startReplicas, writeConfigFile } from './support/gateway-process';
import { expectProblem } from './support/harness';
import { KEYS } from './support/keys';
import { REDIS_DEPLOYMENTS, TestRedis } from './support/redis';
import { numberRange, seedOzonetelNumbers } from './support/operations';
import { ozonetelDeleteCalls, startTestSandbox, TestSandbox, vendorCalls } from './support/sandbox';
import { expectWithinBudget } from './support/windows';

/** A scaled-down Ozonetel budget: the same shape as 100 per minute, faster to exhaust. */
const BUDGET = { limit: 10, windowMs: 2000 };
/**
 * How long the gateway holds each grant beyond the window. It must cover the spread of the time from
 * grant to arrival at the vendor; three replicas, the sandbox, Redis and jest sharing two cores put up
 * to ~200 ms of event-loop delay between them during a burst, so this test allows 400 ms.
 */
const MARGIN_MS = 400;

describe.each(REDIS_DEPLOYMENTS)('three gateway replicas on %s', (_deployment, startRedis) => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let replicas: GatewayProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startTestSandbox();
    const config = testConfig(sandbox, {
      patch: { 'in-ozonetel': { rateLimit: { ...BUDGET, marginMs: MARGIN_MS } } },
      settings: {
        syncWaitMs: 30_000,
        idempotencyLeaseMs: 1500,
        inboundRateLimit: { limit: 10_000, windowMs: 60_000 },
      },
    });
    const configFile = writeConfigFile(config);
    const prefix = `replicas:${randomUUID()}:`;
    replicas = await startReplicas(3, {
      GATEWAY_CONFIG: configFile,
      ...redis.env,
      REDIS_KEY_PREFIX: prefix,
    });
    // A replica's first vendor call pays for connection set-up and lazy loading; keep that out of the
    // timing tests, as a long-running deployment would.
    for (const replica of replicas) {
      expect(
        (await replica.as(KEYS.admin).post('/v1/accounts/cn-isales/campaigns/1002/pause')).status,
      ).toBeLessThan(500);
      expect((await deleteVia(replica, '9812345601')).status).toBe(200);
    }
  }, 60_000);

  beforeEach(async () => {
    await sandbox.ozonetel.post('/__sandbox/reset');
    await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await sandbox.close();
    await redis.stop();
  });

  /** Gives the sandbox's Renewals_Q4 campaign `count` numbers, 9900000000 upwards. */
  async function seedNumbers(count: number): Promise<string[]> {
    const numbers = numberRange(9_900_000_000, count);
    await seedOzonetelNumbers(sandbox, numbers);
    return numbers;
  }

  const deleteVia = (replica: GatewayProcess, number: string, headers: Record<string, string> = {}) =>
    replica.as(KEYS.admin).post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
      body: { phoneNumbers: [number] },
      headers,
    });

  it('keeps every window of the vendor within its limit while all three drive one account past it', async () => {
    const numbers = await seedNumbers(36);
    const started = Date.now();
    const answers = await Promise.all(numbers.map((number, i) => deleteVia(replicas[i % 3], number)));
    const elapsed = Date.now() - started;

    expect(answers.map((a) => a.status)).toEqual(numbers.map(() => 200));
    expect(answers.every((a) => a.body.deleted === 1)).toBe(true);
    const calls = await ozonetelDeleteCalls(sandbox);
    expect(calls).toHaveLength(36);
    expectWithinBudget(calls, BUDGET);
    // 36 calls at 10 per 2 s need at least three full windows after the first batch.
    expect(elapsed).toBeGreaterThanOrEqual(3 * BUDGET.windowMs);
  });

  it('sends 50 identical requests with one key to the vendor once, whichever replicas take them', async () => {
    const [number] = await seedNumbers(1);
    await sandbox.ozonetel.post('/__sandbox/faults', {
      body: { kind: 'slow', delayMs: 800, path: 'deleteCampaignData' },
    });
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => deleteVia(replicas[i % 3], number, { 'idempotency-key': key })),
    );

    const calls = await ozonetelDeleteCalls(sandbox);
    expect(calls).toHaveLength(1);
    const ok = answers.filter((a) => a.status === 200);
    const busy = answers.filter((a) => a.status === 409);
    expect(ok.length + busy.length).toBe(50);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const answer of ok) expect(answer.body).toEqual(ok[0].body);
    expect(ok[0].body.deleted).toBe(1);
    for (const answer of busy) expectProblem(answer, 409, 'idempotency_key_in_use');
    // Once the first has finished, every retry is a replay.
    const later = await deleteVia(replicas[2], number, { 'idempotency-key': key });
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.body).toEqual(ok[0].body);
  });

  it('shares one Ozonetel token among the replicas: one generation, one refresh when it expires', async () => {
    const tokenDelete = (replica: GatewayProcess, number: string) =>
      replica.as(KEYS.admin).post('/v1/accounts/in-ozonetel-token/campaigns/Collections/contacts/delete', {
        body: { phoneNumbers: [number] },
      });
    const first = await Promise.all(replicas.map((replica, i) => tokenDelete(replica, `981234570${i + 1}`)));
    expect(first.map((a) => a.body.deleted)).toEqual([1, 1, 1]);
    await sandbox.ozonetel.post('/__sandbox/tokens/expire', { body: { userName: 'acme-token' } });
    const second = await Promise.all(replicas.map((replica, i) => tokenDelete(replica, `981234570${i + 4}`)));
    expect(second.map((a) => a.body.deleted)).toEqual([1, 1, 1]);
    const generations = (await vendorCalls(sandbox.ozonetel)).filter((c) =>
      c.path.endsWith('/generateToken'),
    );
    // The reset in beforeEach dropped the token the warm-up left, so the first round generates one too.
    expect(generations).toHaveLength(2);
  });

  it('frees the key of a replica killed mid-request once its lease runs out', async () => {
    const [number] = await seedNumbers(1);
    await sandbox.ozonetel.post('/__sandbox/faults', {
      body: { kind: 'slow', delayMs: 4000, path: 'deleteCampaignData' },
    });
    const key = randomUUID();
    const doomed = replicas[2];
    const lost = deleteVia(doomed, number, { 'idempotency-key': key }).catch((error: unknown) => error);
    // Kill it while the vendor holds its call: the one-shot slow fault is used up once the call arrived
    // (the budget may make the replica wait before sending).
    while ((await sandbox.ozonetel.get('/__sandbox/faults')).body.items.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await doomed.stop('SIGKILL');
    expect(await lost).toBeInstanceOf(Error);

    expectProblem(
      await deleteVia(replicas[0], number, { 'idempotency-key': key }),
      409,
      'idempotency_key_in_use',
    );
    await new Promise((resolve) => setTimeout(resolve, 1800)); // the 1500 ms lease, and a margin
    const retried = await deleteVia(replicas[1], number, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    // The killed replica's call may still land at the vendor: the number counts once either way.
    expect(['deleted', 'not_found']).toContain(retried.body.results[0].outcome);
  });
});
