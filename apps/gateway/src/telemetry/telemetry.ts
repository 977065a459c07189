import { context, propagation, ROOT_CONTEXT, trace, type Link, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NoopSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { needsNodeSdk } from './telemetry-env';

export interface TelemetryOptions {
  /**
   * Where finished spans go, replacing what `OTEL_TRACES_EXPORTER` says (tests pass an in-memory
   * exporter here). Without them, the standard `OTEL_*` variables decide, and no exporter is the default.
   */
  spanProcessors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
}

interface Started {
  shutdown(): Promise<void>;
}

/**
 * On the global object, as OpenTelemetry's own registrations are: jest runs several suites in one
 * process, each with its own module registry, and telemetry must be started once per process.
 */
const STARTED = Symbol.for('campaign-gateway.telemetry');
type WithTelemetry = typeof globalThis & { [STARTED]?: Started };

/**
 * Starts OpenTelemetry once per process: W3C trace context in and out, a tracer provider (so spans
 * have ids, and `traceparent` is propagated to the vendors, even when nothing is exported), and, when
 * spans are exported, the http, fastify and ioredis instrumentations. Run it before the app's modules
 * load (main.ts imports ./preload first) so the instrumentations see `http`, `fastify` and `ioredis`
 * as they are required.
 *
 * Exporting is the standard variables' business: `OTEL_TRACES_EXPORTER=otlp` (or `console`,
 * `zipkin`) with `OTEL_EXPORTER_OTLP_ENDPOINT` and friends; unset or `none` exports nothing. Metrics
 * stay on /metrics (prom-client) and logs on stdout unless `OTEL_METRICS_EXPORTER` or
 * `OTEL_LOGS_EXPORTER` ask otherwise. `OTEL_SDK_DISABLED=true` turns all of it off. When none of them
 * asks for anything, the SDK is not loaded at all: the three parts that carry trace context are set
 * up here directly.
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
  global[STARTED] =
    options.spanProcessors !== undefined || needsNodeSdk(env)
      ? // Required here, not imported: see telemetry-export.ts for what loading it costs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('./telemetry-export') as typeof import('./telemetry-export')).startNodeSdk(options, env)
      : startTraceContextOnly();
}

/**
 * What the Node SDK sets up when nothing is exported, sampled otherwise or propagated otherwise: the
 * AsyncLocalStorage context manager, the W3C trace context propagator, and a tracer provider whose
 * spans are dropped unread.
 */
function startTraceContextOnly(): Started {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
  trace.setGlobalTracerProvider(provider);
  return provider;
}

/** Flushes and stops exporting (shutdown, tests). */
export async function stopTelemetry(): Promise<void> {
  const global = globalThis as WithTelemetry;
  const started = global[STARTED];
  global[STARTED] = undefined;
  await started?.shutdown();
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
