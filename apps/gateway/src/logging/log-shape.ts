import { trace } from '@opentelemetry/api';
import pino, { type LoggerOptions } from 'pino';
import { SERVICE_NAME, SERVICE_VERSION } from '../telemetry/service-identity';

/**
 * What every log line of the gateway looks like, the app's and the process's alike: the level as a
 * label (`"level":"info"`), the time in ISO 8601 (`"time":"2026-12-02T05:30:40.123Z"`), the service
 * and its version, and the trace and span ids of the active span when there is one.
 */
export function logShape(): Pick<LoggerOptions, 'formatters' | 'timestamp' | 'base' | 'mixin'> {
  return {
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { service: SERVICE_NAME, version: SERVICE_VERSION, pid: process.pid },
    mixin: traceFields,
  };
}

/** `trace_id` and `span_id` (the OpenTelemetry log data model's names) of the active span. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !trace.isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId };
}
