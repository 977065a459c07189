import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { createMemoryStore } from '@app/store';
import { ChunkRunner } from '../apps/gateway/src/operations/chunk-runner';
import { startTestGateway, testConfig } from './support/gateway';
import {
  freePort,
  GatewayProcess,
  startGatewayProcess,
  startReplicas,
  writeConfigFile,
} from './support/gateway-process';
import { KEYS } from './support/keys';
import { allResults, numberRange, seedOzonetelNumbers, waitForOperation } from './support/operations';
import { startTestRedis, TestRedis } from './support/redis';
import { startTestSandbox, TestSandbox, VendorCall, vendorCalls } from './support/sandbox';

const DELETE_PATH = '/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete';
/** 10 calls per 200 ms at the gateway: budget waits stay short, so a chunk stays on its worker. */
/** The margin kept small so a chunk never waits past a short moment: it stays on its worker. */
const BUDGET = { limit: 10, windowMs: 200, marginMs: 20 };
/**
 * The vendor allows twice that, so it never refuses a call for its limit (a 429 makes the chunk step
 * aside for a second, off its worker), and every call it logs is a send.
 */
const VENDOR_BUDGET = { limit: 20, windowMs: 200 };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  socket: Socket;
}

/** One request over node:http with `agent` (a keep-alive agent keeps the connection open after it). */
function send(
  url: string,
  path: string,
  agent: Agent | false,
  options: { method?: string; body?: unknown } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(
      `${url}${path}`,
      {
        method: options.method ?? 'GET',
        agent,
        headers: {
          authorization: `Bearer ${KEYS.admin}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, socket: req.socket! }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves with the exit code and when the process exited. */
function exited(
  gateway: GatewayProcess,
): Promise<{ code: number | null; signal: string | null; at: number }> {
  return once(gateway.child, 'exit').then(([code, signal]) => ({ code, signal, at: Date.now() }));
}

/** The JSON log lines of a process. */
function logLines(gateway: GatewayProcess): Array<Record<string, any>> {
  return gateway
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('graceful shutdown on SIGTERM', () => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  const started: GatewayProcess[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
  });
  beforeEach(async () => {
    await sandbox.ozonetel.post('/__sandbox/reset');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((gateway) => gateway.stop('SIGKILL')));
  });
  afterAll(async () => {
    await sandbox.close();
    await redis.stop();
  });

  /** One gateway process on Redis whose Ozonetel calls may take 10 s. */
  async function startOne(env: Record<string, string>): Promise<GatewayProcess> {
    const config = testConfig(sandbox, { patch: { 'in-ozonetel': { timeoutMs: 10_000 } } });
    const gateway = await startGatewayProcess({
      PORT: String(await freePort()),
      GATEWAY_CONFIG: writeConfigFile(config),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `shutdown:${randomUUID()}:`,
      ...env,
    });
    started.push(gateway);
    return gateway;
  }

  it('answers a slow call in flight with 200, is not ready meanwhile, and exits 0 at once although clients keep their connections', async () => {
    const GRACE_MS = 8000;
    const gateway = await startOne({ SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    // A keep-alive client that keeps its connection as long as the server lets it.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, timeout: 120_000 });
    // Another one whose connection sits idle in its pool when the signal comes.
    const idleClient = new Agent({ keepAlive: true, maxSockets: 1, timeout: 120_000 });
    try {
      const warm = await send(gateway.url, '/health/live', keepAlive);
      expect(warm.headers.connection).toBe('keep-alive');
      const idle = await send(gateway.url, '/health/live', idleClient);
      const idleClosed = once(idle.socket, 'close').then(() => Date.now());

      await sandbox.ozonetel.post('/__sandbox/faults', {
        body: { kind: 'slow', path: '/ca_apis/deleteCampaignData', delayMs: 3000 },
      });
      const slow = send(gateway.url, DELETE_PATH, keepAlive, {
        method: 'POST',
        body: { phoneNumbers: ['9812345601'] },
      });
      // The call is with the vendor (the sandbox logs a slow call when it answers, so wait a moment).
      await sleep(800);
      const exit = exited(gateway);
      const signalledAt = Date.now();
      gateway.child.kill('SIGTERM');

      // Readiness turns 503 at once, while the call is in flight.
      await sleep(100);
      const ready = await send(gateway.url, '/health/ready', false);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body).error.shutdown).toEqual({ status: 'down', message: 'shutting down' });
      // The idle keep-alive connection was closed without waiting for its client.
      expect((await idleClosed) - signalledAt).toBeLessThan(500);

      const answer = await slow;
      const answeredAt = Date.now();
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ requested: 1, deleted: 1 });
      // The answer closes its connection: the client's pool cannot hold the process open.
      expect(answer.headers.connection).toBe('close');

      const { code, signal, at } = await exit;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(at - signalledAt).toBeLessThan(GRACE_MS);
      // Not a timer running out: the process went as soon as the answer was out.
      expect(at - answeredAt).toBeLessThan(1500);
      console.log(
        `slow call answered ${answeredAt - signalledAt} ms after SIGTERM, process exited ${at - signalledAt} ms after it`,
      );

      const summary = logLines(gateway).find(
        (line) => line.context === 'shutdown' && /^shut down in/.test(line.msg),
      );
      expect(summary).toMatchObject({ signal: 'SIGTERM', requests: 1, forceClosed: 0, chunksHandedBack: 0 });
    } finally {
      keepAlive.destroy();
      idleClient.destroy();
    }
  });

  it('closes what is still open at the end of the grace and still exits 0 within it', async () => {
    const GRACE_MS = 3000;
    const gateway = await startOne({ SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, timeout: 120_000 });
    try {
      await sandbox.ozonetel.post('/__sandbox/faults', {
        body: { kind: 'slow', path: '/ca_apis/deleteCampaignData', delayMs: 8000 },
      });
      const slow = send(gateway.url, DELETE_PATH, keepAlive, {
        method: 'POST',
        body: { phoneNumbers: ['9812345601'] },
      }).then(
        (answer) => answer.status,
        (error: Error) => error.message,
      );
      await sleep(500);
      const exit = exited(gateway);
      const signalledAt = Date.now();
      gateway.child.kill('SIGTERM');

      const { code, signal, at } = await exit;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(at - signalledAt).toBeLessThan(GRACE_MS);
      // Its connection was cut: the client sees the socket close without an answer.
      expect(await slow).toMatch(/socket hang up|ECONNRESET/);
      const summary = logLines(gateway).find(
        (line) => line.context === 'shutdown' && /^shut down in/.test(line.msg),
      );
      // The cut request's vendor call was still under way, so its adapter had not closed either.
      expect(summary).toMatchObject({ requests: 1, forceClosed: 1, closed: false });
    } finally {
      keepAlive.destroy();
    }
  });

  it('in one process without Redis, closing the app hands the running chunk back before the adapters close', async () => {
    const store = createMemoryStore();
    const config = testConfig(sandbox, {
      patch: { 'in-ozonetel': { rateLimit: BUDGET } },
      settings: { syncWaitMs: 30_000, operationChunkSize: 100 },
    });
    const gateway = await startTestGateway(config, store);
    let closed = false;
    try {
      await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: VENDOR_BUDGET });
      const numbers = numberRange(9_630_000_000, 100);
      await seedOzonetelNumbers(sandbox, numbers);
      const answer = await gateway.as(KEYS.admin).post(DELETE_PATH, { body: { phoneNumbers: numbers } });
      expect(answer.status).toBe(202);
      await sleep(600); // well into the chunk: 100 numbers at 8 per 200 ms take 2.5 s

      const closing = Date.now();
      await gateway.app.close();
      closed = true;
      const closeMs = Date.now() - closing;
      const sentAtClose = (await vendorCalls(sandbox.ozonetel)).length;

      // Stopped between numbers at once and handed back (not failed by closed circuits: the chunk's
      // lanes would then fail the run, which the queue retries), every number sent has its outcome.
      expect(gateway.app.get(ChunkRunner).handedBack).toBe(1);
      expect(closeMs).toBeLessThan(1000);
      const operation = await store.operations.get(answer.body.id);
      expect(operation?.progress).toMatchObject({ failed: 0 });
      expect(operation!.progress.processed).toBeGreaterThan(0);
      expect(operation!.progress.processed).toBeLessThan(100);
      expect(operation!.progress.deleted).toBe(operation!.progress.processed);
      await sleep(300);
      expect((await vendorCalls(sandbox.ozonetel)).length).toBe(sentAtClose);
    } finally {
      if (!closed) await gateway.app.close();
      await store.close();
    }
  });

  describe('two replicas', () => {
    let replicas: GatewayProcess[] = [];
    const prefix = `shutdown2:${randomUUID()}:`;

    beforeAll(async () => {
      const config = testConfig(sandbox, {
        patch: { 'in-ozonetel': { rateLimit: BUDGET } },
        // The lock outlasts the test's 1 s by far: the chunk must be handed back, not left to lapse.
        settings: { syncWaitMs: 30_000, operationChunkSize: 100, operationLockMs: 15_000 },
      });
      replicas = await startReplicas(2, {
        GATEWAY_CONFIG: writeConfigFile(config),
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'info',
      });
      for (const replica of replicas) await replica.as(KEYS.admin).get('/v1/accounts');
    }, 60_000);
    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')));
    });

    it('hands a running chunk back at SIGTERM: the other replica goes on within 1 s, nothing failed, nothing sent twice', async () => {
      await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: VENDOR_BUDGET });
      const numbers = numberRange(9_620_000_000, 300);
      await seedOzonetelNumbers(sandbox, numbers);
      const api = replicas[0].as(KEYS.admin);
      const answer = await api.post(DELETE_PATH, { body: { phoneNumbers: numbers } });
      expect(answer.status).toBe(202);
      const id = answer.body.id as string;

      const queue = new Queue('operations', { connection: { url: redis.url }, prefix: `${prefix}{bull}` });
      try {
        const holderOf = async (): Promise<{ replica?: GatewayProcess; jobId?: string }> => {
          const [active] = await queue.getActive();
          const pid = Number(active?.processedBy?.split(':').pop());
          return { replica: replicas.find((replica) => replica.child.pid === pid), jobId: active?.id };
        };
        // Well into a chunk (100 numbers at 8 per 200 ms take 2.5 s) and running on a worker now.
        let before: { replica?: GatewayProcess; jobId?: string } = {};
        for (let i = 0; i < 300 && !before.replica; i++) {
          const { progress } = (await api.get(`/v1/operations/${id}`)).body;
          if (progress.processed >= 20) before = await holderOf();
          if (!before.replica) await sleep(20);
        }
        const holder = before.replica;
        expect(holder).toBeDefined();
        const survivor = replicas.find((replica) => replica !== holder)!;

        const exit = exited(holder!);
        const signalledAt = Date.now();
        holder!.child.kill('SIGTERM');

        // The same chunk runs on the survivor within 1 s, long before the lock (15 s) could lapse.
        let takenOverAt: number | undefined;
        while (Date.now() - signalledAt < 3000 && takenOverAt === undefined) {
          const now = await holderOf();
          if (now.replica === survivor && now.jobId === before.jobId) takenOverAt = Date.now();
          else await sleep(10);
        }
        expect(takenOverAt).toBeDefined();
        const takeoverMs = takenOverAt! - signalledAt;
        expect(takeoverMs).toBeLessThanOrEqual(1000);

        const { code, signal, at } = await exit;
        expect({ code, signal }).toEqual({ code: 0, signal: null });
        const summary = logLines(holder!).find(
          (line) => line.context === 'shutdown' && /^shut down in/.test(line.msg),
        );
        expect(summary).toMatchObject({ chunksHandedBack: 1, chunksDrained: true });
        expect(holder!.output()).not.toContain('circuit');

        const done = await waitForOperation(survivor.as(KEYS.admin), id, 60_000);
        expect(done).toMatchObject({
          status: 'completed',
          progress: { total: 300, processed: 300, deleted: 300, failed: 0 },
        });
        const results = await allResults(survivor.as(KEYS.admin), id);
        expect(results.filter((result) => result.outcome !== 'deleted')).toEqual([]);
        expect(await queue.getFailedCount()).toBe(0);
        const job = await queue.getJob(before.jobId!);
        expect(job?.failedReason).toBeUndefined();

        // Every number sent; none twice (numbers in flight at the signal finish on the holder and are
        // recorded before it hands the chunk back).
        const sent = new Map<string, VendorCall[]>();
        for (const call of await vendorCalls(sandbox.ozonetel)) {
          if (call.path === '/ca_apis/deleteCampaignData')
            sent.set(call.body.phoneNumber, [...(sent.get(call.body.phoneNumber) ?? []), call]);
        }
        expect(sent.size).toBe(300);
        // A failure names each number sent twice with its calls' times (from the signal) and answers,
        // so a vendor 429 retried tells itself apart from a send made after the chunk was handed back.
        const twice = [...sent]
          .filter(([, calls]) => calls.length > 1)
          .map(([phoneNumber, calls]) => ({
            phoneNumber,
            calls: calls.map(
              (c) => `${c.at - signalledAt} ms: ${c.status}${c.rateLimited ? ' (rate limited)' : ''}`,
            ),
          }));
        expect(twice).toEqual([]);
        console.log(
          `chunk taken over ${takeoverMs} ms after SIGTERM; the holder exited after ${at - signalledAt} ms`,
        );
      } finally {
        await queue.close();
      }
    });
  });
});
