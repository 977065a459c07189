import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The document's tags, in the order Swagger UI shows them. */
export const TAGS = [
  { name: 'accounts', description: 'The accounts this client may use, and the providers behind them.' },
  { name: 'campaigns', description: 'Delete, pause and resume a campaign (iSales).' },
  {
    name: 'contacts',
    description: 'Delete the numbers a campaign dials: within the request, or as a bulk operation.',
  },
  { name: 'callbacks', description: 'Book and cancel reserved callbacks (iSales).' },
  { name: 'operations', description: 'Bulk operations: progress, outcomes by number, cancel.' },
  {
    name: 'service',
    description:
      'Probes, metrics and problem type pages; open, without a client key. Keep /metrics off the public gateway.',
  },
];

/** Response headers every answer, or every answer of a /v1 route, carries. */
const HEADERS = {
  'X-Request-Id': {
    description:
      "The request's id: yours if you sent a sane one, else a new one. Every log line of the request carries it.",
    schema: { type: 'string', example: '6f1c2b7e-4a8d-4c8e-9a51-0c1e3f7d2b10' },
  },
  RateLimit: {
    description:
      'What is left of this client\'s inbound quota and when it resets (IETF draft httpapi-ratelimit-headers), e.g. `"per-client";r=599;t=60`. On answers to an authenticated client.',
    schema: { type: 'string', example: '"per-client";r=599;t=60' },
  },
  'RateLimit-Policy': {
    description:
      'This client\'s inbound quota (IETF draft httpapi-ratelimit-headers), e.g. `"per-client";q=600;w=60`. On answers to an authenticated client.',
    schema: { type: 'string', example: '"per-client";q=600;w=60' },
  },
};

type Json = Record<string, unknown>;

/**
 * What decorators cannot say, written into the built document: component names without the `Dto`
 * suffix, global tags, `security: []` on the open routes, the common response headers, and a check
 * that every operation has a readable operationId (not the framework's `Controller_method`).
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  const finished = renameDtoSchemas(document);
  finished.tags = TAGS;
  finished.components = { ...finished.components, headers: HEADERS };
  for (const [path, item] of Object.entries(finished.paths)) {
    const clientRoute = path.startsWith('/v1/');
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (!operation.operationId || !/^[a-z][A-Za-z]+$/.test(operation.operationId)) {
        throw new Error(`${method.toUpperCase()} ${path} needs a readable operationId (@ApiOperation)`);
      }
      if (!clientRoute) operation.security = [];
      for (const response of Object.values(operation.responses ?? {}) as unknown as Json[]) {
        response.headers = {
          'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
          ...(clientRoute
            ? {
                RateLimit: { $ref: '#/components/headers/RateLimit' },
                'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
              }
            : {}),
          ...(response.headers as Json | undefined),
        };
      }
    }
  }
  return finished;
}

/** `DeleteContactsResultDto` is `DeleteContactsResult` in the document, and every $ref follows. */
function renameDtoSchemas(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  const renames = new Map<string, string>();
  for (const name of Object.keys(schemas)) {
    if (!name.endsWith('Dto')) continue;
    const plain = name.slice(0, -3);
    if (plain in schemas || [...renames.values()].includes(plain)) {
      throw new Error(`schema ${name} cannot be named ${plain}: the name is taken`);
    }
    renames.set(name, plain);
  }
  const text = JSON.stringify(document).replace(
    /"#\/components\/schemas\/([A-Za-z0-9_]+)"/g,
    (whole, name: string) => (renames.has(name) ? `"#/components/schemas/${renames.get(name)}"` : whole),
  );
  const renamed = JSON.parse(text) as OpenAPIObject;
  renamed.components!.schemas = Object.fromEntries(
    Object.entries(renamed.components?.schemas ?? {}).map(([name, schema]) => [
      renames.get(name) ?? name,
      schema,
    ]),
  );
  return renamed;
}
