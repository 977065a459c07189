import { createServer, Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { GatewayError } from '@app/core';

/**
 * Where the service endpoints are served. `/metrics` names every account and `/docs` describes the
 * whole API: behind a public gateway they belong on a port only the platform reaches
 * (`METRICS_PORT`), or off (`DOCS=off`).
 */
export interface ServiceEndpoints {
  /** Serve `/metrics` on the client port (false when METRICS_PORT moves it to its own port). */
  metricsOnClientPort: boolean;
  /** Serve Swagger UI and the OpenAPI document (`/docs`, `/docs-json`). */
  docs: boolean;
}

export const ALL_ON_CLIENT_PORT: ServiceEndpoints = { metricsOnClientPort: true, docs: true };

export interface ServiceEnv {
  metricsPort?: number;
  endpoints: ServiceEndpoints;
}

/** METRICS_PORT (1..65535) and DOCS (`on`, the default, or `off`); a bad value names its variable. */
export function serviceEnvFrom(env: NodeJS.ProcessEnv): ServiceEnv {
  const raw = env.METRICS_PORT;
  let metricsPort: number | undefined;
  if (raw !== undefined && raw !== '') {
    metricsPort = Number(raw);
    if (!Number.isInteger(metricsPort) || metricsPort < 1 || metricsPort > 65_535) {
      throw new Error(`METRICS_PORT must be a port number (1..65535), got "${raw}"`);
    }
  }
  const docs = (env.DOCS ?? 'on').toLowerCase();
  if (docs !== 'on' && docs !== 'off') throw new Error(`DOCS must be "on" or "off", got "${env.DOCS}"`);
  return { metricsPort, endpoints: { metricsOnClientPort: metricsPort === undefined, docs: docs === 'on' } };
}

/** On the client port, the endpoints moved or turned off answer as routes that do not exist. */
export function hideServiceEndpoints(fastify: FastifyInstance, endpoints: ServiceEndpoints): void {
  const hidden = (path: string) =>
    (!endpoints.metricsOnClientPort && /^\/metrics(\/|\?|$)/.test(path)) ||
    (!endpoints.docs && /^\/docs([-/?]|$)/.test(path));
  if (endpoints.metricsOnClientPort && endpoints.docs) return;
  fastify.addHook('onRequest', async (request) => {
    if (hidden(request.url)) {
      throw new GatewayError('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
    }
  });
}

/** `/metrics` alone on its own port, for the platform's scraper. */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && /^\/metrics(\?|$)/.test(request.url ?? '')) {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
      return;
    }
    response
      .writeHead(404, { 'Content-Type': 'text/plain' })
      .end('Not found: this port serves GET /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  // Scrapes never hold the process up at shutdown.
  server.unref();
  return server;
}
