import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from './client-auth.guard';
import { BEARER_CHALLENGE, ClientKeys } from './client-keys';

/** Every route under /v1 is a client's; health, metrics and docs are open. */
const CLIENT_ROUTES = '/v1/';

/**
 * Checks the client key of every /v1 request in `onRequest`, before Fastify reads the body, and
 * puts the client on the request for the guards and controllers (`request.client`). A caller without
 * a valid key gets its 401 while its body is still arriving, so it cannot make the gateway read and
 * parse megabytes. The decision is by the matched route, so an unknown path stays 404.
 */
export function registerClientAuthentication(fastify: FastifyInstance, keys: ClientKeys): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.is404 || !request.routeOptions.url?.startsWith(CLIENT_ROUTES)) return;
    const check = keys.check(request.headers.authorization);
    if (check.client) {
      (request as AuthenticatedRequest).client = check.client;
      return;
    }
    void reply.header('WWW-Authenticate', BEARER_CHALLENGE);
    closeIfBodyFollows(request, reply);
    throw check.refusal;
  });
}

/**
 * Node would otherwise read (and drop) the rest of an unread body to keep the connection alive,
 * up to the full Content-Length: closing after the answer ends that, as Fastify does on a 413.
 */
function closeIfBodyFollows(request: FastifyRequest, reply: FastifyReply): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > 0 || request.headers['transfer-encoding'] !== undefined) {
    void reply.header('Connection', 'close');
  }
}
