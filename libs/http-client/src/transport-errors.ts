import { GatewayError } from '@app/core';

/** Socket-level codes that mean the request never reached the vendor's application. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_)/;

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // undici wraps the socket error; the useful code may sit one or two causes down.
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turns whatever the socket layer threw into the neutral catalogue error a caller can act on. */
export function classifyTransportError(
  error: unknown,
  providerName: string,
  timedOut: boolean,
  timeoutMs: number,
): GatewayError {
  const provider = { name: providerName };
  const code = errorCode(error);
  if (timedOut || (code && TIMEOUT_CODES.has(code))) {
    return new GatewayError('provider_timeout', `${providerName} did not answer within ${timeoutMs} ms`, {
      provider,
      cause: error,
    });
  }
  if (code && NOT_SENT_CODES.has(code)) {
    return new GatewayError('provider_unavailable', `${providerName} cannot be reached (${code})`, {
      provider,
      notProcessed: true,
      cause: error,
    });
  }
  if (code && TLS_CODE.test(code)) {
    return new GatewayError(
      'provider_unavailable',
      `${providerName}'s TLS certificate could not be verified (${code})`,
      {
        provider,
        notProcessed: true,
        cause: error,
      },
    );
  }
  if (code && RESET_CODES.has(code)) {
    return new GatewayError('provider_unavailable', `${providerName} closed the connection (${code})`, {
      provider,
      cause: error,
    });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new GatewayError('provider_unavailable', `The call to ${providerName} was cancelled`, {
      provider,
      cause: error,
    });
  }
  return new GatewayError(
    'provider_unavailable',
    `The call to ${providerName} failed${code ? ` (${code})` : ''}`,
    {
      provider,
      cause: error,
    },
  );
}
