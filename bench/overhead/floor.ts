/**
 * The floor under the gateway's hop (issue 8): what the parts a gateway request must run cost with no
 * framework around them. Bare Fastify (no logger) and, per
 * `POST /v1/accounts/:accountId/campaigns/:campaignId/pause`, the gateway's own pieces on the libraries
 * the product is built with:
 *
 * - the client key checked as the gateway does (SHA-256 of the bearer token, timing-safe compare);
 * - the inbound throttle: `RedisThrottlerStorage.increment`, the gateway's own script (one round trip);
 * - the vendor budget: `RedisRateLimiter.tryAcquire` with the interactive policy (one round trip);
 * - the iSales AK/SK signature (`signAuthV2`);
 * - the vendor call through axios on a keep-alive agent, configured as `VendorHttpClient` configures it;
 * - the answer parsed, its `resultCode` checked, the neutral answer sent;
 * - one pino request line and one audit line on stdout (pino's default destination, as the gateway).
 *
 * No Nest, no interceptors or pipes, no OpenTelemetry, no metrics, no circuit breaker, no AsyncLocalStorage.
 * What it reaches against the bare proxy is about the most any design on these libraries could; what
 * the gateway loses below it is its framework layers. Started as its own process (fork) like the proxy;
 * `UPSTREAM_URL`, `REDIS_URL` and `REDIS_KEY_PREFIX` come from the environment.
 *
 * `FLOOR_VARIANT` takes parts out or swaps one, to price each: a comma list of `-throttle`, `-budget`,
 * `-sign`, `-log` (that part skipped), `undici` (the vendor call through undici's pool, as the
 * proxy makes it, instead of axios) and `axios-fetch` (axios's fetch adapter on undici's fetch and pool).
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Agent } from 'node:http';
import axios from 'axios';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { Pool, Request as UndiciRequest, Response as UndiciResponse, fetch as undiciFetch } from 'undici';
import { VENDOR_AXIOS_SETTINGS } from '@app/http-client';
import { signAuthV2 } from '@app/providers/isales';
import { createRedisStore, RedisKeyspace, RedisThrottlerStorage } from '@app/store';
import { runChildServer } from './child-server';
import { BENCH_KEY, UPSTREAM_PATH } from './config';

const upstream = process.env.UPSTREAM_URL;
const redisUrl = process.env.REDIS_URL;
if (!upstream || !redisUrl) throw new Error('UPSTREAM_URL and REDIS_URL must be set');
const keyPrefix = process.env.REDIS_KEY_PREFIX ?? `bench:floor:${randomUUID()}:`;

const KEY_SHA256 = createHash('sha256').update(BENCH_KEY).digest();
const VARIANTS = ['-throttle', '-budget', '-sign', '-log', 'undici', 'axios-fetch'] as const;
const variant = new Set((process.env.FLOOR_VARIANT ?? '').split(',').filter(Boolean));
for (const part of variant)
  if (!(VARIANTS as readonly string[]).includes(part))
    throw new Error(`FLOOR_VARIANT takes ${VARIANTS.join(', ')}; not ${part}`);
const LIMIT = { limit: 100_000, windowMs: 1000 };

async function build(): Promise<FastifyInstance> {
  const store = createRedisStore(redisUrl!, { keyPrefix });
  const throttle = new RedisThrottlerStorage(store.redis!, new RedisKeyspace(store.keyPrefix));
  const log = pino({ level: 'info', timestamp: pino.stdTimeFunctions.isoTime });
  const origin = new URL(upstream!);
  const http = axios.create({
    ...VENDOR_AXIOS_SETTINGS,
    baseURL: origin.origin,
    httpAgent: new Agent({ keepAlive: true, keepAliveMsecs: 60_000 }),
  });
  const pool = new Pool(origin.origin);
  // axios's fetch adapter on undici's own fetch and pool: axios's API, undici's transport.
  const viaFetch = axios.create({
    ...VENDOR_AXIOS_SETTINGS,
    baseURL: origin.origin,
    adapter: 'fetch',
    // undici's own Request and Response with its fetch: Node's global ones are another copy of undici.
    env: { fetch: undiciFetch, Request: UndiciRequest, Response: UndiciResponse } as never,
    fetchOptions: { dispatcher: pool },
  });
  /** The vendor call: status and body text, through axios (the product's client) or undici. */
  const put = async (headers: Record<string, string>): Promise<{ status: number; text: string }> => {
    if (variant.has('undici')) {
      const res = await pool.request({ method: 'PUT', path: UPSTREAM_PATH, headers });
      return { status: res.statusCode, text: await res.body.text() };
    }
    if (variant.has('axios-fetch')) {
      const res = await viaFetch.request<ArrayBuffer>({ method: 'PUT', url: UPSTREAM_PATH, headers });
      return { status: res.status, text: Buffer.from(res.data).toString('utf8') };
    }
    const res = await http.request<Buffer>({ method: 'PUT', url: UPSTREAM_PATH, headers });
    return { status: res.status, text: res.data.toString('utf8') };
  };

  const app = Fastify({ logger: false });
  app.post<{ Params: { accountId: string; campaignId: string } }>(
    '/v1/accounts/:accountId/campaigns/:campaignId/pause',
    async (request, reply) => {
      const started = performance.now();
      const requestId = randomUUID();
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(createHash('sha256').update(token).digest(), KEY_SHA256))
        return reply.code(401).send({ code: 'unauthorized' });
      if (!variant.has('-throttle')) {
        const hits = await throttle.increment('bench', LIMIT.windowMs, LIMIT.limit, 0, 'per-client');
        if (hits.isBlocked) return reply.code(429).send({ code: 'rate_limited' });
      }
      if (!variant.has('-budget')) {
        const grant = await store.rateLimiter.tryAcquire(
          `budget:${request.params.accountId}`,
          LIMIT,
          { priority: 'interactive', id: requestId },
          { spacingMs: 0, interactiveShare: 0, leaseMs: 1000 },
        );
        if (!grant.granted) return reply.code(429).send({ code: 'rate_limited' });
      }

      const headers: Record<string, string> = { host: origin.host, 'content-type': 'application/json' };
      const authorization = variant.has('-sign')
        ? 'AKSK ak="bench-ak", signature="static"'
        : signAuthV2({
            accessKey: 'bench-ak',
            secretKey: 'bench-sk',
            method: 'PUT',
            path: UPSTREAM_PATH,
            headers,
            timestamp: new Date(),
          });
      const res = await put({ ...headers, authorization });
      const answer = JSON.parse(res.text) as { resultCode?: string };
      const ok = res.status === 200 && answer.resultCode === '0200000';
      reply.code(ok ? 200 : 502);
      if (!variant.has('-log')) {
        const audit = { log: 'audit', clientId: 'bench', account: request.params.accountId, requestId };
        log.info({ ...audit, action: 'campaign.pause' }, 'audit');
        log.info(
          { req: { id: requestId, method: 'POST', url: request.url }, res: { statusCode: reply.statusCode } },
          `request completed in ${(performance.now() - started).toFixed(1)} ms`,
        );
      }
      return ok
        ? { campaignId: request.params.campaignId, status: 'paused', requestId }
        : { code: 'provider_error', requestId };
    },
  );
  return app;
}

runChildServer(build);
