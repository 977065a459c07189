import type { FastifyInstance } from 'fastify';
import { GatewayError } from '@app/core';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';

/**
 * JSON is the only body the gateway takes (anything else is 415). Parsing stays Fastify's, with its
 * prototype-poisoning protection; an empty body is no body, since callers often send
 * `Content-Type: application/json` on a DELETE or a pause without one. The size limit is the
 * route's (see body-limits.ts); the nesting depth is checked before JSON.parse builds anything.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
      done(
        new GatewayError('validation_failed', 'The body nests arrays and objects too deeply', {
          errors: [
            {
              field: 'body',
              message: `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
            },
          ],
        }),
      );
      return;
    }
    void parseJson(request, text, (error, value) => {
      if (error) {
        done(
          new GatewayError('validation_failed', 'The body is not valid JSON', {
            errors: [{ field: 'body', message: error.message }],
          }),
        );
        return;
      }
      done(null, value);
    });
  });
}
