import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { ERROR_CODES } from '@app/core';
import type { AuthenticatedRequest } from '../auth/client-auth.guard';
import { labelledChildren } from './labelled-children';
import { MetricsRegistry } from './metrics-registry';

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * Counts answers by route pattern (not raw URL, which would explode label cardinality), client
 * (configured ids; '' before a key was checked) and problem code (the catalogue's; '' for success).
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  const registers = [metrics.registry];
  const requests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'Answers sent by the gateway',
    labelNames: ['method', 'route', 'status', 'client', 'code'],
    registers,
  });
  const duration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Time to answer, by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers,
  });
  const requestsOf = labelledChildren((method, route, status, client, code) =>
    requests.labels(method, route, status, client, code),
  );
  const durationOf = labelledChildren((method, route) => duration.labels(method, route));
  const codes = new WeakMap<object, string>();
  fastify.addHook('onSend', async (request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (
      typeof payload !== 'string' ||
      typeof type !== 'string' ||
      !type.startsWith('application/problem+json')
    )
      return payload;
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) codes.set(request, code);
    return payload;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requestsOf(
      request.method,
      route,
      String(reply.statusCode),
      (request as AuthenticatedRequest).client?.id ?? '',
      codes.get(request) ?? '',
    ).inc();
    durationOf(request.method, route).observe(reply.elapsedTime / 1000);
  });
}
