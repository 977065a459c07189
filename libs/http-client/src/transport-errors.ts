import { GatewayError } from '@app/core';

/**
 * Raised by the client's agents when a connection (TCP, and the TLS handshake for https) is not
 * ready within the connect timeout. Nothing was sent on it.
 */
export const CONNECT_TIMEOUT_CODE = 'ERR_VENDOR_CONNECT_TIMEOUT';

/** What a transport failure means to a caller. */
type Kind =
  /** The vendor did not answer in time (it may have acted on the request). */
  | 'timeout'
  /** The request never reached the vendor's application. */
  | 'notSent'
  /** The vendor's certificate could not be verified; nothing was sent. */
  | 'tls'
  /** The connection broke after the request may have been sent. */
  | 'reset'
  /** The vendor's answer broke the rules (larger than the cap). */
  | 'badAnswer'
  /** The caller cancelled the call. */
  | 'cancelled';

/**
 * Error codes, from axios (`AxiosError.code`) or the socket underneath it, and what they mean.
 * Certificate failures are matched by TLS_CODE; anything else is a generic "call failed".
 */
const CODES: Readonly<Record<string, Kind>> = {
  // axios's own timeout (ECONNABORTED, or ETIMEDOUT with clarifyTimeoutError), and the socket's.
  ECONNABORTED: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'notSent',
  ENOTFOUND: 'notSent',
  EAI_AGAIN: 'notSent',
  EHOSTUNREACH: 'notSent',
  ENETUNREACH: 'notSent',
  [CONNECT_TIMEOUT_CODE]: 'notSent',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  // axios: the answer stopped mid-body ("stream has been aborted"); the cap is told apart below.
  ERR_BAD_RESPONSE: 'reset',
  // follow-redirects' limit errors; unused with maxRedirects 0, listed so a cap is never a reset.
  ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED: 'badAnswer',
  ERR_FR_MAX_BODY_LENGTH_EXCEEDED: 'badAnswer',
  // axios CanceledError: the request's AbortSignal fired (our own timeout is told apart by the caller).
  ERR_CANCELED: 'cancelled',
  ABORT_ERR: 'cancelled',
};

const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_)/;

/** axios reports the answer cap as ERR_BAD_RESPONSE with this message, nothing more specific. */
const CONTENT_LENGTH_CAP = /maxContentLength/;

/** The first specific code along the cause chain (axios copies the socket's code, and keeps it as `cause`). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  let fallback: string | undefined;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code in CODES || TLS_CODE.test(code)) return code;
      fallback ??= code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return fallback;
}

function kindOf(error: unknown, code: string | undefined): Kind | undefined {
  if (code === 'ERR_BAD_RESPONSE' && error instanceof Error && CONTENT_LENGTH_CAP.test(error.message))
    return 'badAnswer';
  if (code && TLS_CODE.test(code)) return 'tls';
  if (code && code in CODES) return CODES[code];
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError'))
    return 'cancelled';
  return undefined;
}

/**
 * The error kept as the neutral error's cause. An AxiosError carries the request's config (its
 * headers hold credentials) and the socket; keep only its name, message, code and the socket error.
 */
function leanCause(error: unknown): unknown {
  if (!(error instanceof Error) || !('config' in error || 'request' in error)) return error;
  const lean = new Error(error.message, error.cause === undefined ? undefined : { cause: error.cause });
  lean.name = error.name;
  return Object.assign(lean, { code: (error as { code?: unknown }).code });
}

/** Turns whatever axios or the socket layer threw into the neutral catalogue error a caller can act on. */
export function classifyTransportError(
  error: unknown,
  providerName: string,
  timedOut: boolean,
  timeoutMs: number,
  maxResponseBytes?: number,
): GatewayError {
  const provider = { name: providerName };
  const code = errorCode(error);
  const kind = timedOut ? 'timeout' : kindOf(error, code);
  const cause = leanCause(error);
  switch (kind) {
    case 'timeout':
      return new GatewayError('provider_timeout', `${providerName} did not answer within ${timeoutMs} ms`, {
        provider,
        cause,
      });
    case 'notSent':
      return new GatewayError('provider_unavailable', `${providerName} cannot be reached (${code})`, {
        provider,
        notProcessed: true,
        cause,
      });
    case 'tls':
      return new GatewayError(
        'provider_unavailable',
        `${providerName}'s TLS certificate could not be verified (${code})`,
        { provider, notProcessed: true, cause },
      );
    case 'reset':
      return new GatewayError('provider_unavailable', `${providerName} closed the connection (${code})`, {
        provider,
        cause,
      });
    case 'badAnswer':
      return new GatewayError(
        'provider_error',
        `${providerName} sent an answer larger than ${maxResponseBytes ?? 'the allowed'} bytes`,
        {
          provider,
          cause,
        },
      );
    case 'cancelled':
      return new GatewayError('provider_unavailable', `The call to ${providerName} was cancelled`, {
        provider,
        cause,
      });
    default:
      return new GatewayError(
        'provider_unavailable',
        `The call to ${providerName} failed${code ? ` (${code})` : ''}`,
        { provider, cause },
      );
  }
}
