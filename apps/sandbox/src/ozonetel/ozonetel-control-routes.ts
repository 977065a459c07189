import { readRateLimit } from '../seed-validation';
import { readControlJson } from '../shared/control-routes';
import { isRecord, ShapeError } from '../shared/shape';
import { CONTROL_PREFIX, VendorApp } from '../shared/vendor-app';
import { OzonetelStore } from './ozonetel-store';
import { TokenRegistry } from './token-registry';

/** Ozonetel-only control routes: tune the rate limit, age a user's token. */
export function registerOzonetelControlRoutes(
  app: VendorApp,
  store: OzonetelStore,
  tokens: TokenRegistry,
): void {
  app.server.put(`${CONTROL_PREFIX}/rate-limit`, async (request, reply) => {
    const body = readControlJson(app, request, reply);
    if (body === undefined) return reply;
    try {
      store.setRateLimit(readRateLimit(body, 'body'));
    } catch (error) {
      if (error instanceof ShapeError) return reply.code(400).send({ error: error.message });
      throw error;
    }
    return store.rateLimit();
  });

  app.server.post(`${CONTROL_PREFIX}/tokens/expire`, async (request, reply) => {
    const body = readControlJson(app, request, reply);
    if (body === undefined) return reply;
    if (!isRecord(body) || typeof body.userName !== 'string') {
      return reply.code(400).send({ error: 'userName is required' });
    }
    if (!tokens.expireCurrent(body.userName)) {
      return reply.code(404).send({ error: 'that user has no current token' });
    }
    return { userName: body.userName, expired: true };
  });
}
