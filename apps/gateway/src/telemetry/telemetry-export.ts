import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { FastifyInstrumentation } from '@opentelemetry/instrumentation-fastify';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { SERVICE_NAME } from './service-identity';
import type { TelemetryOptions } from './telemetry';
import { exporterNamed } from './telemetry-env';
import { isUntracedPath } from './untraced-paths';

/**
 * OpenTelemetry's Node SDK, configured by the standard `OTEL_*` variables: for a gateway that exports
 * spans (or metrics or logs), samples or propagates other than by default, or turns the SDK off. Loaded
 * only then (telemetry.ts requires this module on demand): the SDK brings every exporter it can name,
 * some 700 modules and 25 MB of resident memory that a gateway exporting nothing never uses.
 */
export function startNodeSdk(options: TelemetryOptions, env: NodeJS.ProcessEnv): NodeSDK {
  const exporting = options.spanProcessors !== undefined || exporterNamed(env.OTEL_TRACES_EXPORTER);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? SERVICE_NAME,
    spanProcessors: options.spanProcessors ?? spanProcessorsFromEnv(env),
    // The SDK's own default for each is an OTLP exporter; here only the variable turns them on.
    ...(exporterNamed(env.OTEL_METRICS_EXPORTER) ? {} : { metricReaders: [] }),
    ...(exporterNamed(env.OTEL_LOGS_EXPORTER) ? {} : { logRecordProcessors: [] }),
    // OTEL_PROPAGATORS when set; W3C trace context otherwise (not baggage: a caller's baggage would
    // be forwarded to the vendors).
    ...(env.OTEL_PROPAGATORS ? {} : { textMapPropagator: new W3CTraceContextPropagator() }),
    instrumentations: exporting ? detailedInstrumentations() : [],
  });
  sdk.start();
  return sdk;
}

/**
 * The spans that say more than the gateway's own (an HTTP server span with its attributes, one per
 * outgoing HTTP request, one per Fastify hook and handler, one per Redis command): made only when
 * spans go somewhere. Without an exporter nothing would read them, and they cost about a tenth of a
 * request's CPU; trace context is carried without them, in by the server span of server-spans.ts
 * and out to the vendors by the vendor client, with the budget wait and vendor call spans between.
 */
function detailedInstrumentations() {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isUntracedPath(request.url),
    }),
    new FastifyInstrumentation(),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
}

/**
 * The SDK would register no tracer provider when OTEL_TRACES_EXPORTER is unset or `none`: a processor
 * that drops every span keeps ids being made and propagated without exporting anything.
 */
function spanProcessorsFromEnv(env: NodeJS.ProcessEnv): SpanProcessor[] | undefined {
  return exporterNamed(env.OTEL_TRACES_EXPORTER) ? undefined : [new NoopSpanProcessor()];
}
