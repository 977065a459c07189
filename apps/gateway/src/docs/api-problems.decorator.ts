import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_CATALOGUE, ErrorCode, problemType } from '@app/core';
import { ProblemDto } from '../problems/problem.dto';

/** Codes every authenticated route can answer, whatever it does. */
export const COMMON_PROBLEMS: ErrorCode[] = ['unauthenticated', 'rate_limited', 'internal_error'];

/** Codes any route that calls a vendor can answer. */
export const VENDOR_PROBLEMS: ErrorCode[] = [
  'provider_rejected',
  'provider_rate_limited',
  'provider_error',
  'provider_auth_failed',
  'provider_unavailable',
  'provider_timeout',
];

/**
 * Documents the error answers of a route: one response per status, listing its catalogue codes, each
 * with an example body, so Swagger UI shows exactly what a caller must handle.
 */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, statusCodes]) =>
      ApiResponse({
        status,
        description: statusCodes.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].title}`).join('; '),
        headers: headersFor(statusCodes),
        content: {
          'application/problem+json': {
            schema: { $ref: getSchemaPath(ProblemDto) },
            examples: Object.fromEntries(
              statusCodes.map((code) => [
                code,
                {
                  value: {
                    type: problemType(code),
                    title: ERROR_CATALOGUE[code].title,
                    status,
                    detail: ERROR_CATALOGUE[code].title,
                    code,
                    requestId: '6f1c2b7e-4a8d-4c8e-9a51-0c1e3f7d2b10',
                  },
                },
              ]),
            ),
          },
        },
      }),
    );
  return applyDecorators(ApiExtraModels(ProblemDto), ...responses);
}

/** Codes whose answers carry Retry-After (provider_unavailable: while the account's circuit is open). */
const RETRY_AFTER_CODES: ErrorCode[] = [
  'rate_limited',
  'provider_rate_limited',
  'idempotency_key_in_use',
  'provider_unavailable',
];

function headersFor(codes: ErrorCode[]) {
  const headers: Record<string, { description: string; schema: { type: 'integer' | 'string' } }> = {};
  if (codes.some((c) => RETRY_AFTER_CODES.includes(c))) {
    headers['Retry-After'] = {
      description: 'Seconds to wait before trying again.',
      schema: { type: 'integer' },
    };
  }
  if (codes.includes('rate_limited')) {
    headers['RateLimit-Policy'] = {
      description: 'This client\'s quota (IETF draft), e.g. `"per-client";q=600;w=60`.',
      schema: { type: 'string' },
    };
    headers.RateLimit = {
      description: 'What is left of it and when it resets (IETF draft), e.g. `"per-client";r=0;t=42`.',
      schema: { type: 'string' },
    };
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/**
 * Codes any route that may carry a body can answer (every POST and DELETE): too large for the route
 * (its limit is written in by admission-docs.ts), not JSON, or nested deeper than 32 levels.
 */
export const BODY_PROBLEMS: ErrorCode[] = [
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
];

/** Codes the Idempotency-Key handling adds to a mutating route. */
export const IDEMPOTENCY_PROBLEMS: ErrorCode[] = [
  'idempotency_key_in_use',
  'idempotency_key_mismatch',
  'store_unavailable',
];

/**
 * Documents `Idempotency-Key` on a mutating route; list IDEMPOTENCY_PROBLEMS in the route's one
 * ApiProblems (a second one would replace the first's responses of the same status).
 */
export function ApiIdempotent(): MethodDecorator {
  return ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): 1..255 visible ASCII characters, as a quoted string or bare. ' +
      'Scoped by client and account. The first completed answer is replayed for 24 h with `Idempotent-Replayed: true`; ' +
      'transient failures (429, 5xx) are not recorded, so retry them with the same key; ' +
      'except a 502 provider_error on a create whose detail says it may exist at the provider: that one is recorded and replayed, so a retry never books twice.',
    schema: { type: 'string', example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"' },
  });
}
