import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { registerClientAuthentication } from './auth/client-authentication.hook';
import { ClientKeys } from './auth/client-keys';
import { setupSwagger } from './docs/swagger';
import { ALL_ON_CLIENT_PORT, hideServiceEndpoints, ServiceEndpoints } from './service/service-endpoints';
import { registerBodyLimits } from './http/body-limits';
import { answerClientError, answerFrameworkError, MAX_PARAM_LENGTH } from './http/framework-refusals';
import { registerJsonBodyParser } from './http/json-body-parser';
import { PublicEdge, PublicEdgeOptions, registerPublicEdge } from './http/public-edge';
import { requestIdFor } from './http/request-id';
import { requestValidationPipe } from './http/validation-pipe';
import { registerHttpMetrics } from './metrics/http-metrics';
import { MetricsRegistry } from './metrics/metrics-registry';
import { ProblemFilter } from './problems/problem.filter';
import { registerIdempotencyCompletion } from './idempotency/idempotency-completion';
import { ReplayStoredResponseFilter } from './idempotency/replay-stored-response';
import { registerRequestTelemetry } from './logging/request-telemetry';
import { tracingServerFactory } from './telemetry/server-spans';
import { startTelemetry } from './telemetry/telemetry';

const CLIENT_KEYS = new WeakMap<NestFastifyApplication, ClientKeys>();

/** The client keys an app admits with, for a reload (SIGHUP) to replace. */
export function clientKeysOf(app: NestFastifyApplication): ClientKeys {
  const keys = CLIENT_KEYS.get(app);
  if (!keys) throw new Error('not an app built by createGatewayApp');
  return keys;
}

export interface GatewayAppOptions extends AppModuleOptions {
  /** PUBLIC_BASE_URL and TRUSTED_PROXIES (see public-edge.ts); unset: reached directly. */
  edge?: PublicEdgeOptions;
  /** Which service endpoints the client port serves (METRICS_PORT, DOCS); unset: all of them. */
  serviceEndpoints?: ServiceEndpoints;
}

/** Builds the whole gateway, ready to listen; used by main.ts and by the end-to-end tests. */
export async function createGatewayApp(options: GatewayAppOptions): Promise<NestFastifyApplication> {
  // main.ts started it before anything loaded; a gateway built in-process (the e2e tests) starts it here.
  startTelemetry();
  const { settings } = options.config;
  const edge = new PublicEdge(options.edge);
  const adapter = new FastifyAdapter({
    // X-Forwarded-For, -Host and -Proto are believed from TRUSTED_PROXIES only.
    trustProxy: edge.trustProxy,
    genReqId: requestIdFor,
    requestIdHeader: false,
    // Every route's limit but the bulk one's (see registerBodyLimits).
    bodyLimit: settings.bodyLimitBytes,
    return503OnClosing: true,
    // Refusals before any route runs are problem+json too (see framework-refusals.ts).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Every request in a server span continuing the caller's trace (see server-spans.ts).
    serverFactory: tracingServerFactory,
  });
  // Before Nest adds its middleware (nestjs-pino binds the request's log line to it when it starts).
  registerPublicEdge(adapter.getInstance(), edge);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bufferLogs: true,
    // A failure while building the app (a bad account, say) is thrown to the caller, not a process exit.
    abortOnError: false,
    // Only JSON is accepted, through our parser below; anything else is 415.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // Nest tries filters from the last registered: a replay is not a problem.
  app.useGlobalFilters(app.get(ProblemFilter), app.get(ReplayStoredResponseFilter));
  app.useGlobalPipes(requestValidationPipe());
  // No enableShutdownHooks: main.ts handles SIGTERM and SIGINT, draining before Nest's shutdown hooks.

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
  });
  // Admission, before the body is read: the key (after the request id, which a 401 carries too),
  // then the route's body limit while the body arrives, then its depth before it is parsed.
  const keys = new ClientKeys(options.config.clients);
  CLIENT_KEYS.set(app, keys);
  registerClientAuthentication(fastify, keys);
  registerRequestTelemetry(fastify);
  registerBodyLimits(fastify, settings);
  registerJsonBodyParser(fastify);
  registerHttpMetrics(fastify, app.get(MetricsRegistry));
  registerIdempotencyCompletion(
    fastify,
    options.store,
    options.config.settings.idempotencyRetentionMs,
    app.get(Logger),
  );
  const endpoints = options.serviceEndpoints ?? ALL_ON_CLIENT_PORT;
  hideServiceEndpoints(fastify, endpoints);
  if (endpoints.docs) setupSwagger(app, settings, edge);
  await app.init();
  return app;
}
