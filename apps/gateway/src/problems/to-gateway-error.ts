import { HttpException } from '@nestjs/common';
import { ErrorCode, GatewayError } from '@app/core';
import { describeBytes } from '../http/body-limits';

/**
 * The framework's own failures by HTTP status: Nest raises 404 for unknown routes, and turns Fastify's
 * body errors (wrong media type, too large, bad Content-Length) into HTTP exceptions with their status.
 */
const FRAMEWORK_STATUS_CODES: Record<number, { code: ErrorCode; detail?: string; field?: string }> = {
  400: { code: 'validation_failed', field: 'body' },
  401: { code: 'unauthenticated' },
  403: { code: 'forbidden' },
  404: { code: 'route_not_found', detail: 'There is no such route; see /docs for the API' },
  405: { code: 'route_not_found', detail: 'There is no such route for this method; see /docs for the API' },
  413: { code: 'payload_too_large', detail: 'The request body is larger than this route accepts' },
  415: { code: 'unsupported_media_type', detail: 'Send the body as application/json' },
  429: { code: 'rate_limited' },
};

/** What the request tells about a failure beyond the exception itself. */
export interface FailureContext {
  /** The route's body limit, named in a 413 (routes have different limits). */
  bodyLimitBytes?: number;
}

/** Everything thrown anywhere becomes a GatewayError; what cannot be classified is an internal error. */
export function toGatewayError(
  error: unknown,
  context: FailureContext = {},
): { error: GatewayError; unexpected: boolean } {
  if (error instanceof GatewayError) return { error, unexpected: false };
  const known = error instanceof HttpException ? FRAMEWORK_STATUS_CODES[error.getStatus()] : undefined;
  if (error instanceof HttpException && known) {
    let detail = known.detail ?? error.message;
    if (known.code === 'payload_too_large' && context.bodyLimitBytes !== undefined) {
      detail = `${detail} (at most ${describeBytes(context.bodyLimitBytes)})`;
    }
    const errors = known.field ? [{ field: known.field, message: error.message }] : undefined;
    return { error: new GatewayError(known.code, detail, { errors }), unexpected: false };
  }
  return {
    error: new GatewayError(
      'internal_error',
      'The gateway failed unexpectedly; the request id identifies the failure in the logs',
    ),
    unexpected: true,
  };
}
