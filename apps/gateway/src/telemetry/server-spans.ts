import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('campaign-gateway/http');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Fastify's `serverFactory`: a plain HTTP server whose requests each run in a server span continuing
 * the caller's `traceparent`. When the http instrumentation already made that span (the process was
 * started through main.ts, which loads OpenTelemetry first) it is left alone; otherwise (a gateway
 * built inside a test process, where `http` was loaded first) this makes it, so trace context is
 * always taken in, whatever loaded first.
 */
export function tracingServerFactory(handler: Handler): Server {
  return createServer((req, res) => {
    if (trace.getActiveSpan() || /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '')) {
      handler(req, res);
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method ?? 'HTTP',
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method ?? '', 'url.path': req.url ?? '' },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    // The body's events and the answer's run in the span's context too, as the instrumentation does.
    context.bind(ctx, req);
    context.bind(ctx, res);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(ctx, () => handler(req, res));
  });
}
