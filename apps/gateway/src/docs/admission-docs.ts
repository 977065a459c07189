import type { OpenAPIObject } from '@nestjs/swagger';
import { GatewaySettings } from '@app/config';
import { BODY_SIZE_EXTENSION, describeBytes } from '../http/body-limits';
import { MAX_JSON_DEPTH } from '../http/json-depth';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface DocumentedResponse {
  description: string;
}

/**
 * Writes into the OpenAPI document what only the configuration knows: each route's body limit, in its
 * 413 answer and as `x-body-limit-bytes`. Also says on every 401 that the key is checked before the
 * body is read, and on every 400 of a route with a body that nesting is limited.
 */
export function documentAdmission(
  document: OpenAPIObject,
  settings: Pick<GatewaySettings, 'bodyLimitBytes' | 'bulkBodyLimitBytes'>,
): void {
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method] as (Record<string, unknown> & { responses?: object }) | undefined;
      if (!operation) continue;
      const responses = (operation.responses ?? {}) as Record<string, DocumentedResponse | undefined>;
      const bulk = operation[BODY_SIZE_EXTENSION] === 'bulk';
      delete operation[BODY_SIZE_EXTENSION];

      const tooLarge = responses['413'];
      if (tooLarge) {
        const limit = bulk ? settings.bulkBodyLimitBytes : settings.bodyLimitBytes;
        const setting = bulk ? 'bulkBodyLimitBytes' : 'bodyLimitBytes';
        operation['x-body-limit-bytes'] = limit;
        tooLarge.description +=
          `. This route takes a body of at most ${describeBytes(limit)} (${limit} bytes, \`settings.${setting}\`); ` +
          'a Content-Length over it is answered before the body is read.';
        const invalid = responses['400'];
        if (invalid) {
          invalid.description += `. JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused before it is parsed (field \`body\`).`;
        }
      }
      const unauthenticated = responses['401'];
      if (unauthenticated) {
        unauthenticated.description +=
          '. The key is checked before the body is read: a request without a valid one is answered at once, and its connection closed if a body was coming.';
      }
    }
  }
}
