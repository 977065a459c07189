import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { KEYS } from './support/keys';
import { numberRange, startBulkDelete, waitForOperation } from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { ozonetelDeleteCalls, resetSandbox, startTestSandbox, TestSandbox } from './support/sandbox';
import { BOTH_STORES } from './support/stores';
import { expectWithinBudget } from './support/windows';

/**
 * A small budget, so a 10-number operation needs several windows even alone: with the limit this low
 * its alone-time is not just the first window's burst, and "about twice as long when shared" can show.
 */
const BUDGET = { limit: 2, windowMs: 500 };
const MARGIN_MS = 50;
const WINDOW_MS = BUDGET.windowMs + MARGIN_MS;

describe.each(BOTH_STORES)(
  'bulk operations of two clients on one account with the %s store',
  (_name, createStore) => {
    let redis: TestRedis;
    let sandbox: TestSandbox;
    let gateway: TestGateway;

    beforeAll(async () => {
      redis = await startTestRedis();
      sandbox = await startTestSandbox();
      gateway = await startTestGateway(
        testConfig(sandbox, { patch: { 'in-ozonetel': { rateLimit: { ...BUDGET, marginMs: MARGIN_MS } } } }),
        await createStore(redis),
      );
    });
    beforeEach(async () => {
      await resetSandbox(sandbox);
      await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });
    });
    afterAll(async () => {
      await gateway.close();
      await sandbox.close();
      await redis.stop();
    });

    /**
     * Runs the small client's 10 numbers. Returns when it was created, when its first vendor call came
     * and how long it took from that call to completion: the turns are measured from its first call,
     * since how soon a new operation starts is the head-of-line suite's concern, not this one's.
     */
    const runSmall = async (numbers: string[]) => {
      const created = Date.now();
      const id = await startBulkDelete(gateway.as(KEYS.ozonetelOnly), 'in-ozonetel', 'Renewals_Q4', numbers);
      const done = await waitForOperation(gateway.as(KEYS.ozonetelOnly), id);
      expect(done).toMatchObject({ status: 'completed', progress: { total: 10, processed: 10 } });
      const calls = (await ozonetelDeleteCalls(sandbox)).filter((c) => numbers.includes(c.body.phoneNumber));
      const firstCall = calls[0].at;
      return { created, firstCall, span: Date.parse(done.updatedAt) - firstCall };
    };

    it("takes turns grant by grant: a small operation started during another client's large one finishes in about twice its alone-time", async () => {
      const alone = (await runSmall(numberRange(9_750_000_000, 10))).span;
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS)); // the account is idle again
      await resetSandbox(sandbox);
      await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: BUDGET });

      const admin = gateway.as(KEYS.admin);
      const big = numberRange(9_750_100_000, 120);
      const small = numberRange(9_750_200_000, 10);
      // The large client's 120 numbers as three operations: each runs its own chunk with its own calls
      // in flight, so only turns per client (not per operation or per call in flight) keep this fair.
      const bigIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const part = big.slice(i * 40, i * 40 + 40);
        bigIds.push(await startBulkDelete(admin, 'in-ozonetel', 'Renewals_Q4', part));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { span: shared, created, firstCall } = await runSmall(small);
      const startDelay = firstCall - created;
      const bigAtEnd = await Promise.all(
        bigIds.map(async (id) => (await admin.get(`/v1/operations/${id}`)).body),
      );
      for (const id of bigIds) await admin.post(`/v1/operations/${id}/cancel`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const bigDone = bigAtEnd.reduce((sum, op) => sum + op.progress.processed, 0);

      const calls = await ozonetelDeleteCalls(sandbox);
      const smallCalls = calls.filter((c) => small.includes(c.body.phoneNumber));
      const first = smallCalls[0].at;
      const last = smallCalls[smallCalls.length - 1].at;
      const bigBetween = calls.filter(
        (c) => big.includes(c.body.phoneNumber) && c.at >= first && c.at <= last,
      );
      console.log(
        `fairness (${_name}): 10 numbers from first call to done: alone ${alone} ms, beside another client's 3 x 40 ${shared} ms ` +
          `(${(shared / alone).toFixed(2)}x); between its first and last call: ${smallCalls.length} of its own, ` +
          `${bigBetween.length} of the other client's; it had ${bigDone}/120 done; its first call came ` +
          `${startDelay} ms after it was created`,
      );

      expect(smallCalls).toHaveLength(10);
      // Client by client, grant by grant: the other client got about as many grants meanwhile, not 3x.
      expect(bigBetween.length).toBeLessThanOrEqual(smallCalls.length + 2);
      // ...and it alternates: the small one does not push the other aside either.
      expect(bigBetween.length).toBeGreaterThanOrEqual(smallCalls.length - 3);
      expect(shared).toBeLessThanOrEqual(2.5 * alone + WINDOW_MS);
      // It does start while the other client's chunks hold the workers (each hands its chunk back when
      // its next grant is further off than a bulk call may wait); loose, as a loaded machine slows that.
      expect(startDelay).toBeLessThan(6 * WINDOW_MS);
      // The small one is done long before the large one.
      for (const op of bigAtEnd) expect(op.status).toMatch(/^(queued|running)$/);
      expect(bigDone).toBeLessThan(60);
      expectWithinBudget(calls, BUDGET);
    });
  },
);
