import { randomUUID } from 'node:crypto';
import { createRedisStore, StoreBundle } from '@app/store';
import { startTestGateway, testConfig, TestGateway, withoutAccount } from './support/gateway';
import { KEYS } from './support/keys';
import { numberRange, seedOzonetelNumbers, startBulkDelete } from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { ozonetelDeleteCalls, resetSandbox, startTestSandbox, TestSandbox } from './support/sandbox';
import { connected } from './support/stores';

const ACCOUNT = 'in-ozonetel';
const CAMPAIGN = 'Renewals_Q4';
/** One call per 3 s: after its first number, a chunk steps aside for about 3 s. */
const BUDGET = { limit: 1, windowMs: 3000, marginMs: 100 };

/**
 * A rolling deploy: replicas with the configuration that adds an account share Redis with older ones
 * that do not know it. A chunk taken by an older replica is handed back, not failed, until no replica
 * that knows the account has taken it for `unknownAccountGraceMs`.
 */
describe('a replica that does not know the operation’s account (Redis)', () => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
  });
  beforeEach(async () => {
    await resetSandbox(sandbox);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  });
  afterAll(async () => {
    await sandbox.close();
    await redis.stop();
  });

  const storeWith = (prefix: string) =>
    connected(createRedisStore(redis.connection(), { keyPrefix: prefix }));

  /** A replica on the shared prefix; `knows` false: the older configuration without the account. */
  async function replica(prefix: string, knows: boolean, settings: object): Promise<TestGateway> {
    const config = testConfig(sandbox, { patch: { [ACCOUNT]: { rateLimit: BUDGET } }, settings });
    const gateway = await startTestGateway(
      knows ? config : withoutAccount(config, ACCOUNT),
      await storeWith(prefix),
    );
    gateways.push(gateway);
    return gateway;
  }

  /** Starts an operation on a replica that knows the account, which takes one number and steps aside. */
  async function operationLeftBehind(prefix: string, numbers: string[], settings: object) {
    await seedOzonetelNumbers(sandbox, numbers, CAMPAIGN);
    const starter = await replica(prefix, true, settings);
    const id = await startBulkDelete(starter.as(KEYS.admin), ACCOUNT, CAMPAIGN, numbers);
    for (let i = 0; i < 50 && (await ozonetelDeleteCalls(sandbox)).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { id, starter };
  }

  async function until<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('fails the operation with account_not_found only after the grace, when no replica that knows it is left', async () => {
    const prefix = `rolling:${randomUUID()}:`;
    const settings = { unknownAccountGraceMs: 3000 };
    const { id, starter } = await operationLeftBehind(prefix, numberRange(9_730_000_000, 3), settings);
    // The newer replica goes away (a deploy rolled back, say); only older ones remain.
    await starter.close();
    gateways.splice(gateways.indexOf(starter), 1);
    await replica(prefix, false, settings);
    const reader: StoreBundle = await storeWith(prefix);
    try {
      const shortlyAfter = await until(
        () => reader.operations.get(id),
        (operation) => operation?.status === 'failed',
        BUDGET.windowMs + 1000,
      );
      // The chunk came due and the older replica took it: handed back, not failed yet.
      expect(shortlyAfter?.status).toBe('running');
      const firstSeenAt = Date.now() - 1000;
      const failed = await until(
        () => reader.operations.get(id),
        (operation) => operation?.status === 'failed',
        15_000,
      );
      expect(failed).toMatchObject({
        status: 'failed',
        error: { code: 'account_not_found' },
        progress: { processed: 1 },
      });
      expect(Date.parse(failed!.updatedAt) - firstSeenAt).toBeGreaterThanOrEqual(
        settings.unknownAccountGraceMs - 1000,
      );
      // Nothing was sent by the replica that does not know the account.
      expect(await ozonetelDeleteCalls(sandbox)).toHaveLength(1);
    } finally {
      await reader.close();
    }
  }, 40_000);

  it('completes the operation once a replica that knows the account takes the chunk an older one handed back', async () => {
    // The older replica is stopped once it has handed the chunk back: beside the newer one in this one
    // process, its worker's timers fire first and it would win every race for the chunk, each costing
    // a hand-back; between processes the winner is random.
    const prefix = `rolling:${randomUUID()}:`;
    const settings = { unknownAccountGraceMs: 60_000 };
    const numbers = numberRange(9_730_001_000, 3);
    const { id, starter } = await operationLeftBehind(prefix, numbers, settings);
    await starter.close();
    gateways.splice(gateways.indexOf(starter), 1);
    const older = await replica(prefix, false, settings);
    const handedBack = () =>
      older
        .as(null)
        .get('/metrics')
        .then((answer) =>
          /gateway_operation_chunk_delayed_seconds_total\{[^}]*reason="unknown_account"[^}]*\} [1-9]/.test(
            answer.text,
          ),
        );
    const reader: StoreBundle = await storeWith(prefix);
    try {
      expect(await until(handedBack, Boolean, 10_000)).toBe(true);
      expect((await reader.operations.get(id))?.status).toBe('running');
      await older.close();
      gateways.splice(gateways.indexOf(older), 1);
      await replica(prefix, true, settings);
      const done = await until(
        () => reader.operations.get(id),
        (operation) => operation?.status !== 'running' && operation?.status !== 'queued',
        30_000,
      );
      expect(done).toMatchObject({ status: 'completed', progress: { total: 3, processed: 3, deleted: 3 } });
      const sent = (await ozonetelDeleteCalls(sandbox)).map((call) => call.body.phoneNumber);
      expect(sent.sort()).toEqual(numbers);
    } finally {
      await reader.close();
    }
  }, 50_000);
});
