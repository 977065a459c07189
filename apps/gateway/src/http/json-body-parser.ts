import type { FastifyInstance } from 'fastify';
import { GatewayError } from '@app/core';

/**
 * JSON is the only body the gateway takes (anything else is 415). Parsing stays Fastify's, with its
 * prototype-poisoning protection; an empty body is no body, since callers often send
 * `Content-Type: application/json` on a DELETE or a pause without one.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
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
    },
  );
}
