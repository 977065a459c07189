// First: OpenTelemetry must be set up before http, fastify and ioredis load.
import './telemetry/preload';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { ConfigError, loadGatewayConfig } from '@app/config';
import {
  createMemoryStore,
  createRedisStore,
  RedisConnection,
  redisConnectionFromEnv,
  RedisEnvError,
  StoreBundle,
  waitForRedis,
} from '@app/store';
import { clientKeysOf, createGatewayApp } from './app.factory';
import { reloadClientsOnSighup } from './auth/client-reload';
import { bundledFile } from './bundled-files';
import { publicEdgeFromEnv } from './http/public-edge';
import { stdoutLogDestination } from './logging/log-destination';
import { logShape } from './logging/log-shape';
import { MetricsRegistry } from './metrics/metrics-registry';
import { ACCOUNT_CONFIG_CLASSES } from './providers/provider-registry';
import { serveMetrics, serviceEnvFrom } from './service/service-endpoints';
import { exitGracefullyOnSignals, shutdownGraceFromEnv } from './shutdown/graceful-shutdown';
import { HttpDrain } from './shutdown/http-drain';

/** The key of the `dev` client in the bundled sandbox configuration; it opens nothing real. */
export const SANDBOX_DEV_KEY = 'dev-key-not-secret';

/** For what happens before (and beside) the app: the same JSON lines as the app's own logs. */
const processLog = pino({ level: process.env.LOG_LEVEL ?? 'info', ...logShape() }).child({
  context: 'process',
});

async function main(): Promise<void> {
  const configPath = process.env.GATEWAY_CONFIG || bundledFile('config/sandbox.yaml');
  const config = loadGatewayConfig(configPath, { accountClasses: ACCOUNT_CONFIG_CLASSES });
  const graceMs = shutdownGraceFromEnv(process.env);
  const edge = publicEdgeFromEnv(process.env);
  const service = serviceEnvFrom(process.env);
  const store = await openStore();
  const app = await createGatewayApp({
    config,
    store,
    edge,
    serviceEndpoints: service.endpoints,
    logStream: stdoutLogDestination(),
  });
  const http = new HttpDrain(app.getHttpServer());
  exitGracefullyOnSignals(app, store, http, { graceMs, log: processLog.child({ context: 'shutdown' }) });
  // SIGHUP: the clients (keys and grants) again from the same file, validated as at start.
  reloadClientsOnSighup(
    clientKeysOf(app),
    () => loadGatewayConfig(configPath, { accountClasses: ACCOUNT_CONFIG_CLASSES }),
    new Set(config.accounts.map((account) => account.id)),
    processLog.child({ context: 'client-reload' }),
  );
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '0.0.0.0';
  await app.listen({ port, host });
  if (service.metricsPort !== undefined) {
    await serveMetrics(app.get(MetricsRegistry).registry, service.metricsPort, host);
  }

  const logger = app.get(Logger);
  const url = edge.publicBaseUrl ?? `http://localhost:${port}`;
  const docs = service.endpoints.docs ? `Swagger UI: ${url}/docs` : 'docs off';
  const metrics =
    service.metricsPort === undefined ? `${url}/metrics` : `metrics on port ${service.metricsPort}`;
  logger.log(`campaign-gateway listening on ${url} (${docs}; ${metrics}), configuration ${config.source}`);
  if (!process.env.GATEWAY_CONFIG) {
    logger.log(`Bundled sandbox configuration: the client key for curl and Swagger UI is ${SANDBOX_DEV_KEY}`);
  }
}

async function openStore(): Promise<StoreBundle> {
  const connection = redisFromEnv();
  if (!connection) {
    processLog.warn(
      'REDIS_URL is not set, so rate limits, idempotency, tokens and operations live in this process only. ' +
        'Run ONE process like this; replicas need REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS).',
    );
    return createMemoryStore();
  }
  processLog.info(`Redis: ${connection.toString()}`);
  let lastError = '';
  const store = createRedisStore(connection, {
    keyPrefix: process.env.REDIS_KEY_PREFIX || undefined,
    // The client retries every second while Redis is down: say so once per kind of failure.
    onError: (error) => {
      if (error.message !== lastError) processLog.warn({ message: error.message }, 'Redis connection error');
      lastError = error.message;
    },
  });
  // Start either way: readiness says 503 until Redis answers, and mutating calls refuse to run.
  if (!(await waitForRedis(store, 5000))) {
    processLog.warn('Redis is not reachable yet; /health/ready reports 503 until it is');
  }
  return store;
}

/** The Redis deployment the environment names; a bad variable stops the start, named. */
function redisFromEnv(): RedisConnection | undefined {
  try {
    const spec = redisConnectionFromEnv(process.env);
    return spec && new RedisConnection(spec);
  } catch (error) {
    if (error instanceof RedisEnvError) throw new ConfigError(error.variable, error.problem);
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    processLog.fatal({ field: error.field }, error.message);
  } else {
    processLog.fatal({ err: error }, 'the gateway could not start');
  }
  // pino writes synchronously to stdout, so the line is out before the exit.
  process.exit(1);
});
