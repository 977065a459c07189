import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { AuthenticatedRequest } from '../auth/client-auth.guard';

/**
 * After the key check: the client's id goes on the raw request, where the HTTP logger (which sees
 * only Node's request) finds it for the request's line, and on the request's span. Every answer says
 * which trace it belongs to in `traceresponse` (W3C Trace Context level 2), as `X-Request-Id` does
 * for the logs.
 */
export function registerRequestTelemetry(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const span = trace.getActiveSpan();
    const spanContext = span?.spanContext();
    if (spanContext && trace.isSpanContextValid(spanContext)) {
      const flags = spanContext.traceFlags.toString(16).padStart(2, '0');
      void reply.header('traceresponse', `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
    }
    const client = (request as AuthenticatedRequest).client;
    if (!client) return;
    (request.raw as typeof request.raw & { clientId?: string }).clientId = client.id;
    span?.setAttribute('gateway.client', client.id);
  });
}
