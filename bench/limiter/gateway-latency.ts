import { randomUUID } from 'node:crypto';
import { createRedisStore, waitForRedis } from '@app/store';
import { startTestGateway, testConfig, TestGateway } from '../../test/support/gateway';
import { ApiAnswer, client } from '../../test/support/http';
import { KEYS } from '../../test/support/keys';
import { startTestSandbox } from '../../test/support/sandbox';
import { createGuardsOffStore } from './guards-off-store';
import { LatencySummary, summarize } from '../shared/stats';

const PATH = '/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete';
/** Deleted by the first request; every later one is Ozonetel's "No Record Found", for both gateways. */
const BODY = { phoneNumbers: ['9812345601'] };

export interface GatewayLatencyOptions {
  redisUrl: string;
  /** Prefix of every key the guards-on gateway writes. */
  keyPrefix: string;
  /** Requests per gateway before timing starts (JIT, connection pools, Redis script cache). */
  warmup: number;
  /** Timed blocks per gateway, taken in turns so both see the same machine conditions. */
  blocks: number;
  blockSize: number;
}

export interface GatewayLatencyResult {
  requestsEach: number;
  guardsOn: LatencySummary;
  guardsOff: LatencySummary;
}

interface Variant {
  send: () => Promise<ApiAnswer>;
  samples: number[];
}

/**
 * End-to-end latency of one route through two gateways that differ only in their store: the real Redis
 * bundle (vendor budget, Idempotency-Key claim and completion, inbound throttle counters) against a
 * baseline that does none of it. Requests are sequential, so the figure is one request's cost, not a
 * queue. Every budget (vendor, account, client) is set far above what the run can use: a wait for
 * budget would measure the budget, not the guards.
 */
export async function measureGatewayLatency(options: GatewayLatencyOptions): Promise<GatewayLatencyResult> {
  const sandbox = await startTestSandbox();
  const gateways: TestGateway[] = [];
  try {
    expectOk(
      await sandbox.ozonetel.put('/__sandbox/rate-limit', { body: { limit: 1_000_000, windowMs: 1000 } }),
    );
    const config = testConfig(sandbox, {
      patch: { 'in-ozonetel': { rateLimit: { limit: 100_000, windowMs: 1000 } } },
      // The shortest retention allowed, so a shared REDIS_URL is not left holding our answers for a day.
      settings: { inboundRateLimit: { limit: 100_000, windowMs: 1000 }, idempotencyRetentionMs: 60_000 },
    });

    const redisStore = createRedisStore(options.redisUrl, { keyPrefix: options.keyPrefix });
    if (!(await waitForRedis(redisStore, 5000))) throw new Error('the guards-on gateway cannot reach Redis');
    const on = await startTestGateway(config, redisStore);
    gateways.push(on);
    const off = await startTestGateway(config, createGuardsOffStore());
    gateways.push(off);

    const onApi = client(on.url, KEYS.admin);
    const offApi = client(off.url, KEYS.admin);
    const guardsOn: Variant = {
      // A fresh key each time: every request is a first request, claimed and completed, never a replay.
      send: () => onApi.post(PATH, { body: BODY, headers: { 'idempotency-key': randomUUID() } }),
      samples: [],
    };
    const guardsOff: Variant = { send: () => offApi.post(PATH, { body: BODY }), samples: [] };

    await timeBlock(guardsOn, options.warmup);
    await timeBlock(guardsOff, options.warmup);
    guardsOn.samples.length = 0;
    guardsOff.samples.length = 0;

    for (let round = 0; round < options.blocks; round++) {
      // Swap who goes first each round, so neither always runs right after the other (GC debt, caches).
      const order = round % 2 === 0 ? [guardsOn, guardsOff] : [guardsOff, guardsOn];
      for (const variant of order) {
        await timeBlock(variant, options.blockSize);
        // The sandbox logs every vendor call; empty the log between blocks (untimed) so it stays small.
        await sandbox.ozonetel.delete('/__sandbox/calls');
      }
    }

    return {
      requestsEach: guardsOn.samples.length,
      guardsOn: summarize(guardsOn.samples),
      guardsOff: summarize(guardsOff.samples),
    };
  } finally {
    for (const gateway of gateways) await gateway.close();
    await sandbox.close();
  }
}

/** Sends `count` requests one after another, recording each one's latency in ms. */
async function timeBlock(variant: Variant, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const sent = performance.now();
    const answer = await variant.send();
    variant.samples.push(performance.now() - sent);
    // Anything but 200 means we timed an error path (a refusal, a 500): stop rather than report it.
    expectOk(answer);
  }
}

function expectOk(answer: ApiAnswer): void {
  if (answer.status !== 200) throw new Error(`expected 200, got ${answer.status}: ${answer.text}`);
}
