import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { flattenValidationErrors, validationFailed } from '@app/core';
import { AppModule, AppModuleOptions } from './app.module';
import { registerClientAuthentication } from './auth/client-authentication.hook';
import { ClientKeys } from './auth/client-keys';
import { setupSwagger } from './docs/swagger';
import { registerBodyLimits } from './http/body-limits';
import { answerClientError, answerFrameworkError, MAX_PARAM_LENGTH } from './http/framework-refusals';
import { registerJsonBodyParser } from './http/json-body-parser';
import { requestIdFor } from './http/request-id';
import { registerHttpMetrics } from './metrics/http-metrics';
import { MetricsRegistry } from './metrics/metrics-registry';
import { ProblemFilter } from './problems/problem.filter';
import { registerIdempotencyCompletion } from './idempotency/idempotency-completion';
import { ReplayStoredResponseFilter } from './idempotency/replay-stored-response';
import { registerRequestTelemetry } from './logging/request-telemetry';
import { tracingServerFactory } from './telemetry/server-spans';
import { startTelemetry } from './telemetry/telemetry';

/** Builds the whole gateway, ready to listen; used by main.ts and by the end-to-end tests. */
export async function createGatewayApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  // main.ts started it before anything loaded; a gateway built in-process (the e2e tests) starts it here.
  startTelemetry();
  const { settings } = options.config;
  const adapter = new FastifyAdapter({
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
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
    }),
  );
  // No enableShutdownHooks: main.ts handles SIGTERM and SIGINT, draining before Nest's shutdown hooks.

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
  });
  // Admission, before the body is read: the key (after the request id, which a 401 carries too),
  // then the route's body limit while the body arrives, then its depth before it is parsed.
  registerClientAuthentication(fastify, new ClientKeys(options.config.clients));
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
  setupSwagger(app, settings);
  await app.init();
  return app;
}
