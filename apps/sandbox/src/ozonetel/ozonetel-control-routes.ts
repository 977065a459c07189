import { readRateLimit } from '../seed-validation';
import { readControlJson } from '../shared/control-routes';
import { isRecord, ShapeError } from '../shared/shape';
import { CONTROL_PREFIX, VendorApp } from '../shared/vendor-app';
import { BulkDeleteSettings, BulkDeleteStats } from './bulk-data';
import { OzonetelStore } from './ozonetel-store';
import { TokenRegistry } from './token-registry';

export interface BulkDeleteControl {
  bulkSettings(): BulkDeleteSettings;
  setBulkSettings(settings: BulkDeleteSettings): void;
  bulkStats(): BulkDeleteStats;
}

/** Ozonetel-only control routes: tune the rate limits, age a user's token, read DeleteBulkData's stats. */
export function registerOzonetelControlRoutes(
  app: VendorApp,
  store: OzonetelStore,
  tokens: TokenRegistry,
  bulk: BulkDeleteControl,
): void {
  app.server.put(`${CONTROL_PREFIX}/bulk-delete`, async (request, reply) => {
    const body = readControlJson(app, request, reply);
    if (body === undefined) return reply;
    try {
      const { limit, windowMs } = readRateLimit(body, 'body');
      const processingMs = isRecord(body) ? body.processingMs : undefined;
      if (
        processingMs !== undefined &&
        (typeof processingMs !== 'number' || !Number.isInteger(processingMs) || processingMs < 0)
      ) {
        return reply.code(400).send({ error: 'body.processingMs must be a whole number of ms, 0 or more' });
      }
      bulk.setBulkSettings({
        limit,
        windowMs,
        processingMs: processingMs ?? bulk.bulkSettings().processingMs,
      });
    } catch (error) {
      if (error instanceof ShapeError) return reply.code(400).send({ error: error.message });
      throw error;
    }
    return bulk.bulkSettings();
  });

  app.server.get(`${CONTROL_PREFIX}/bulk-delete`, async () => ({
    settings: bulk.bulkSettings(),
    stats: bulk.bulkStats(),
  }));

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
