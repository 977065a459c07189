import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { withRequestLineNotes } from '../logging/request-line-notes';
import { isUntracedPath } from './untraced-paths';

const tracer = trace.getTracer('campaign-gateway/http');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Fastify's `serverFactory`: a plain HTTP server whose requests each run in a server span continuing
 * the caller's `traceparent`. When the http instrumentation already made that span (the process was
 * started through main.ts, which loads OpenTelemetry first) it is left alone; otherwise (a gateway
 * built inside a test process, where `http` was loaded first) this makes it, so trace context is
 * always taken in, whatever loaded first. Each request also gets its place for the notes that go on its
 * log line (see request-line-notes.ts).
 */
export function tracingServerFactory(handler: Handler): Server {
  return createServer((req, res) => {
    if (isUntracedPath(req.url)) {
      handler(req, res);
      return;
    }
    if (trace.getActiveSpan()) {
      withRequestLineNotes(req, () => handler(req, res));
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
    // The body's events come from the connection's reads, outside the request's context: they are
    // bound to the span's. The answer's are not (the instrumentation binds both): they follow
    // `res.end()`, called inside the request's context, and binding would wrap every listener of the
    // answer in one more context switch on every emit.
    context.bind(ctx, req);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(ctx, () => withRequestLineNotes(req, () => handler(req, res)));
  });
}
