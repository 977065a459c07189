import { ERROR_CATALOGUE, ErrorCode, FieldError, GatewayError, ProviderDetail, problemType } from '@app/core';

/** The RFC 9457 body every error answer carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  instance?: string;
  errors?: FieldError[];
  provider?: ProviderDetail;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `typeBase`: PUBLIC_BASE_URL, when set, so `type` resolves from outside (see problemType). */
export function problemFrom(
  error: GatewayError,
  requestId: string,
  instance?: string,
  typeBase?: string,
): Problem {
  const entry = ERROR_CATALOGUE[error.code];
  return {
    type: problemType(error.code, typeBase),
    title: entry.title,
    status: entry.status,
    detail: error.detail,
    code: error.code,
    requestId,
    ...(instance ? { instance } : {}),
    ...(error.errors?.length ? { errors: error.errors } : {}),
    ...(error.provider ? { provider: error.provider } : {}),
  };
}
