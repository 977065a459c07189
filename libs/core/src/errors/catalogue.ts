/**
 * The error catalogue of the public contract: every failure the gateway reports carries one of these
 * codes, and the HTTP status is a property of the code, never chosen at the throw site.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, title: 'The request is malformed or out of range' },
  unauthenticated: { status: 401, title: 'A valid client key is required' },
  forbidden: { status: 403, title: 'This client may not do this on the account' },
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  account_not_found: { status: 404, title: 'No such account' },
  operation_not_found: { status: 404, title: 'No such operation' },
  callback_not_found: { status: 404, title: 'No such callback' },
  campaign_not_found: { status: 404, title: 'No such campaign' },
  route_not_found: { status: 404, title: 'No such route' },
  campaign_running: { status: 409, title: 'The campaign is running' },
  campaign_state_conflict: { status: 409, title: 'The campaign cannot do this in its current state' },
  contact_not_deletable: { status: 409, title: 'The numbers cannot be deleted in their current state' },
  callback_in_progress: { status: 409, title: 'The callback is being dialled' },
  idempotency_key_in_use: { status: 409, title: 'A request with this idempotency key is still running' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  idempotency_key_mismatch: { status: 422, title: 'The idempotency key was used for another request' },
  field_not_supported: { status: 422, title: 'The provider has no such field' },
  phone_number_blocked: { status: 422, title: 'The phone number is blocklisted' },
  invalid_schedule: { status: 422, title: 'The provider refused the scheduled time' },
  provider_rejected: { status: 422, title: 'The provider refused the request' },
  rate_limited: { status: 429, title: 'Too many requests from this client' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
  provider_rate_limited: { status: 429, title: "The provider's rate budget could not be had in time" },
  operation_quota_exceeded: { status: 429, title: 'Too much bulk work is queued for this client or account' },
  internal_error: { status: 500, title: 'The gateway failed unexpectedly' },
  operation_not_supported: { status: 501, title: 'The provider has no such operation' },
  provider_error: { status: 502, title: 'The provider failed' },
  provider_auth_failed: { status: 502, title: "The provider refused the gateway's credentials" },
  provider_unavailable: { status: 503, title: 'The provider cannot be reached' },
  store_unavailable: { status: 503, title: 'The gateway store cannot be reached' },
  provider_timeout: { status: 504, title: 'The provider did not answer in time' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/**
 * A stable URL per code, as RFC 9457 asks for `type`, that the gateway serves (`GET /problems/{code}`):
 * absolute under `base` (the deployment's PUBLIC_BASE_URL), else an absolute path.
 */
export function problemType(code: ErrorCode, base = ''): string {
  return `${base}/problems/${code}`;
}
