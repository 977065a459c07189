/**
 * The bare proxy the gateway is compared with: Fastify and @fastify/reply-from doing the same hop and
 * nothing else. `POST /v1/accounts/:accountId/campaigns/:campaignId/pause` becomes
 * `PUT {UPSTREAM_URL}/rest/isales/v1/openapi/campaigns/101/:campaignId/pause` with one static
 * Authorization header added, and the upstream's answer goes back as it is. No logging, no key
 * check, no validation. Started as its own process (fork); `UPSTREAM_URL` comes from the
 * environment, and it sends `{ port }` once it listens on a free loopback port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { runChildServer } from './child-server';

const upstream = process.env.UPSTREAM_URL;
if (!upstream) throw new Error('UPSTREAM_URL is not set');
const AUTHORIZATION = 'AKSK ak="bench-ak", signature="static"';

async function build(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(replyFrom, { base: upstream });
  app.post<{ Params: { campaignId: string } }>(
    '/v1/accounts/:accountId/campaigns/:campaignId/pause',
    (request, reply) => {
      const path = `/rest/isales/v1/openapi/campaigns/101/${encodeURIComponent(request.params.campaignId)}/pause`;
      return reply.from(path, {
        method: 'PUT',
        rewriteRequestHeaders: (_request, headers) => ({ ...headers, authorization: AUTHORIZATION }),
      });
    },
  );
  return app;
}

runChildServer(build);
