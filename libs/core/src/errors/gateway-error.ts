import { ERROR_CATALOGUE, ErrorCode } from './catalogue';

export interface FieldError {
  /** Path of the offending input, e.g. `phoneNumbers[3]` or `scheduledTime.at`. */
  field: string;
  message: string;
}

/** What the vendor said, when a vendor answer caused the error. Never holds a secret. */
export interface ProviderDetail {
  name: string;
  code?: string;
  message?: string;
}

export interface GatewayErrorOptions {
  errors?: FieldError[];
  provider?: ProviderDetail;
  /** Seconds the caller should wait before trying again (sent as `Retry-After`). */
  retryAfterSeconds?: number;
  /** The same wait to the millisecond, for the gateway's own schedulers (never sent). */
  retryAfterMs?: number;
  /**
   * True when the vendor certainly did not act on the request (connection refused, its rate-limit
   * answer), so sending it again cannot do the work twice.
   */
  notProcessed?: boolean;
  /** True when a later attempt may succeed (outages, timeouts, rate limits). */
  transient?: boolean;
  /**
   * True when a request the vendor does not take idempotently (a create) failed in a way that leaves
   * open whether the vendor carried it out. Nothing may send it again on its own, and the answer is
   * kept under its Idempotency-Key like a definite one, so a retry with the key cannot do it twice.
   */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

/** Longest vendor message kept in an error, a problem answer or a stored outcome. */
export const MAX_VENDOR_MESSAGE_LENGTH = 300;

/** A vendor's words bounded to MAX_VENDOR_MESSAGE_LENGTH characters (an ellipsis marks the cut). */
export function boundVendorMessage(message: string): string {
  if (message.length <= MAX_VENDOR_MESSAGE_LENGTH) return message;
  // Cut on a code point, never between the halves of a surrogate pair.
  const cut = [...message.slice(0, MAX_VENDOR_MESSAGE_LENGTH + 1)].slice(0, -1).join('');
  return `${cut.slice(0, MAX_VENDOR_MESSAGE_LENGTH)}…`;
}

/** The one error type that crosses layers; the HTTP filter renders it as problem+json. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly provider?: ProviderDetail;
  readonly retryAfterSeconds?: number;
  readonly retryAfterMs?: number;
  readonly notProcessed: boolean;
  readonly transient: boolean;
  readonly outcomeUnknown: boolean;

  constructor(code: ErrorCode, detail: string, options: GatewayErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    // Whatever a vendor said is bounded here, once, for every error body and stored outcome.
    this.provider =
      options.provider?.message === undefined
        ? options.provider
        : { ...options.provider, message: boundVendorMessage(options.provider.message) };
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.retryAfterMs = options.retryAfterMs;
    this.notProcessed = options.notProcessed ?? false;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    // An outcome nobody knows is never worth another blind attempt.
    this.transient = !this.outcomeUnknown && (options.transient ?? TRANSIENT_CODES.has(code));
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'provider_rate_limited',
  'provider_unavailable',
  'provider_timeout',
  'store_unavailable',
  'idempotency_key_in_use',
]);

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

export function validationFailed(errors: FieldError[], detail?: string): GatewayError {
  return new GatewayError(
    'validation_failed',
    detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    {
      errors,
    },
  );
}
