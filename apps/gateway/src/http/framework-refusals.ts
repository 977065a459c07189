import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '@app/core';
import { PROBLEM_CONTENT_TYPE, problemFrom } from '../problems/problem';

/*
 * Refusals that happen before Nest sees a request, by Node's HTTP parser (clientError) or Fastify's
 * router (frameworkErrors), answered like every other failure: problem+json with a catalogue code
 * and an X-Request-Id, never echoing what was sent.
 */

/**
 * Longest path parameter the router takes, in the characters of the raw (percent-encoded) path. An
 * Ozonetel campaign name may have 255 characters, up to 4 UTF-8 bytes each, 3 characters per byte
 * once encoded: 3060. Fastify's default (100) refused names of 34 non-ASCII characters.
 */
export const MAX_PARAM_LENGTH = 4096;

/** Fastify's router refusals: a malformed percent-escape, a parameter over MAX_PARAM_LENGTH. */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const refusal =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? pathProblem(`a path segment is longer than ${MAX_PARAM_LENGTH} characters`)
      : error.code === 'FST_ERR_BAD_URL'
        ? pathProblem('the path is not valid percent-encoded UTF-8')
        : new GatewayError('validation_failed', 'The request could not be routed', {
            errors: [{ field: 'path', message: 'could not be routed' }],
          });
  const problem = problemFrom(refusal, String(request.id));
  void reply
    .code(problem.status)
    .header('X-Request-Id', request.id)
    .header('Content-Type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem));
}

function pathProblem(message: string): GatewayError {
  return new GatewayError('validation_failed', `The request path is not acceptable: ${message}`, {
    errors: [{ field: 'path', message }],
  });
}

/** What Node's parser refused, as a catalogue error; undefined when there is nobody left to answer. */
export function clientErrorProblem(code: string | undefined): GatewayError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError(
        'headers_too_large',
        'The request line and headers together exceed 16 KiB; nothing was read past them',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new GatewayError('request_timeout', 'The request did not arrive in time');
    default:
      return new GatewayError('validation_failed', 'The request is not valid HTTP/1.1', {
        errors: [{ field: 'request', message: `refused by the HTTP parser (${code ?? 'unknown error'})` }],
      });
  }
}

/**
 * Fastify's clientErrorHandler: Node could not parse the request (raw non-ASCII bytes in the target,
 * headers over the size limit, malformed framing), so no route ran. The answer is written to the
 * socket directly, then the connection is closed: what follows on it cannot be trusted.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const requestId = randomUUID();
    const problem = problemFrom(clientErrorProblem(error.code), requestId);
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
