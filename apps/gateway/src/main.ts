import { Logger } from 'nestjs-pino';
import { ConfigError, loadGatewayConfig } from '@app/config';
import { createMemoryStore, createRedisStore, StoreBundle, waitForRedis } from '@app/store';
import { createGatewayApp } from './app.factory';
import { bundledFile } from './bundled-files';
import { ACCOUNT_CONFIG_CLASSES } from './providers/provider-registry';

/** The key of the `dev` client in the bundled sandbox configuration; it opens nothing real. */
export const SANDBOX_DEV_KEY = 'dev-key-not-secret';

async function main(): Promise<void> {
  const configPath = process.env.GATEWAY_CONFIG || bundledFile('config/sandbox.yaml');
  const config = loadGatewayConfig(configPath, { accountClasses: ACCOUNT_CONFIG_CLASSES });
  const store = await openStore();
  const app = await createGatewayApp({ config, store });
  const port = Number(process.env.PORT ?? 3000);
  await app.listen({ port, host: process.env.HOST ?? '0.0.0.0' });

  const logger = app.get(Logger);
  const url = `http://localhost:${port}`;
  logger.log(
    `campaign-gateway listening on ${url} (Swagger UI: ${url}/docs), configuration ${config.source}`,
  );
  if (!process.env.GATEWAY_CONFIG) {
    logger.log(`Bundled sandbox configuration: the client key for curl and Swagger UI is ${SANDBOX_DEV_KEY}`);
  }
}

async function openStore(): Promise<StoreBundle> {
  const url = process.env.REDIS_URL;
  if (url) {
    let lastError = '';
    const store = createRedisStore(url, {
      keyPrefix: process.env.REDIS_KEY_PREFIX || undefined,
      // Reconnection retries every second while Redis is down: say so once per kind of failure.
      onError: (error) => {
        if (error.message !== lastError) console.warn(`Redis: ${error.message}`);
        lastError = error.message;
      },
    });
    // Start either way: readiness says 503 until Redis answers, and mutating calls refuse to run.
    if (!(await waitForRedis(store, 5000)))
      console.warn('Redis is not reachable yet; /health/ready reports 503 until it is');
    return store;
  }
  console.warn(
    'WARNING: REDIS_URL is not set, so rate limits, idempotency and tokens live in this process only. ' +
      'Run ONE process like this; replicas need REDIS_URL.',
  );
  return createMemoryStore();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
