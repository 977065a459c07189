import { context, propagation, ROOT_CONTEXT, trace, type Link, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { FastifyInstrumentation } from '@opentelemetry/instrumentation-fastify';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { SERVICE_NAME } from './service-identity';

export interface TelemetryOptions {
  /**
   * Where finished spans go, replacing what `OTEL_TRACES_EXPORTER` says (tests pass an in-memory
   * exporter here). Without them, the standard `OTEL_*` variables decide, and no exporter is the default.
   */
  spanProcessors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
}

/**
 * On the global object, as OpenTelemetry's own registrations are: jest runs several suites in one
 * process, each with its own module registry, and the SDK must be started once per process.
 */
const STARTED = Symbol.for('campaign-gateway.telemetry');
type WithTelemetry = typeof globalThis & { [STARTED]?: NodeSDK };

/**
 * Starts OpenTelemetry once per process: W3C trace context in and out, a tracer provider (so spans
 * have ids, and `traceparent` is propagated to the vendors, even when nothing is exported), and the
 * http, fastify and ioredis instrumentations. Run it before the app's modules load (main.ts imports
 * ./preload first) so the instrumentations see `http`, `fastify` and `ioredis` as they are required.
 *
 * Exporting is the standard variables' business: `OTEL_TRACES_EXPORTER=otlp` (or `console`,
 * `zipkin`) with `OTEL_EXPORTER_OTLP_ENDPOINT` and friends; unset or `none` exports nothing. Metrics
 * stay on /metrics (prom-client) and logs on stdout unless `OTEL_METRICS_EXPORTER` or
 * `OTEL_LOGS_EXPORTER` ask otherwise. `OTEL_SDK_DISABLED=true` turns all of it off.
 */
export function startTelemetry(options: TelemetryOptions = {}): void {
  const global = globalThis as WithTelemetry;
  if (global[STARTED]) {
    // Started already: a test that wants the spans gets a tracer provider of its own.
    if (options.spanProcessors) {
      trace.disable();
      trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: options.spanProcessors }));
    }
    return;
  }
  const env = options.env ?? process.env;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? SERVICE_NAME,
    spanProcessors: options.spanProcessors ?? spanProcessorsFromEnv(env),
    // The SDK's own default for each is an OTLP exporter; here only the variable turns them on.
    ...(exporterNamed(env.OTEL_METRICS_EXPORTER) ? {} : { metricReaders: [] }),
    ...(exporterNamed(env.OTEL_LOGS_EXPORTER) ? {} : { logRecordProcessors: [] }),
    // OTEL_PROPAGATORS when set; W3C trace context otherwise (not baggage: a caller's baggage would
    // be forwarded to the vendors).
    ...(env.OTEL_PROPAGATORS ? {} : { textMapPropagator: new W3CTraceContextPropagator() }),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would be most of the spans and say nothing.
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)(\/|\?|$)/.test(request.url ?? ''),
      }),
      new FastifyInstrumentation(),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  global[STARTED] = sdk;
}

/** Flushes and stops exporting (shutdown, tests). */
export async function stopTelemetry(): Promise<void> {
  const global = globalThis as WithTelemetry;
  const sdk = global[STARTED];
  global[STARTED] = undefined;
  await sdk?.shutdown();
}

/**
 * The SDK would register no tracer provider when OTEL_TRACES_EXPORTER is unset or `none`: a processor
 * that drops every span keeps ids being made and propagated without exporting anything.
 */
function spanProcessorsFromEnv(env: NodeJS.ProcessEnv): SpanProcessor[] | undefined {
  return exporterNamed(env.OTEL_TRACES_EXPORTER) ? undefined : [new NoopSpanProcessor()];
}

function exporterNamed(value: string | undefined): boolean {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'none');
  return names.length > 0;
}

/** The W3C `traceparent` of the active span, to store with work that outlives the request. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A link to the span a stored `traceparent` names, when it names a valid one. */
export function linkTo(traceparent: string | undefined): Link[] {
  if (!traceparent) return [];
  const spanContext: SpanContext | undefined = trace.getSpanContext(
    propagation.extract(ROOT_CONTEXT, { traceparent }),
  );
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}
