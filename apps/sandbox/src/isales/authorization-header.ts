/** The parts of `Authorization: auth-v2/{AK}/{timestamp}/{signedHeaders}/{signature}`. */
export interface AuthV2Header {
  accessKey: string;
  timestamp: string;
  /** Exactly as sent: it is part of the signed prefix. */
  signedHeaders: string;
  signedHeaderNames: string[];
  signature: string;
}

export type AuthorizationReading = { ok: true; header: AuthV2Header } | { ok: false; problem: string };

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const HEADER_NAME = /^[a-z0-9-]+$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Reads the header strictly: names must already be lower case and the signature lower-case hex, as
 * the signing description says, so a client that deviates is told so rather than passing by luck.
 * The timestamp is checked for form only; the vendor description has no expiry to enforce.
 */
export function readAuthorization(value: string | undefined): AuthorizationReading {
  if (value === undefined || value === '') return { ok: false, problem: 'missing Authorization header' };
  const parts = value.split('/');
  if (parts.length !== 5 || parts[0] !== 'auth-v2') {
    return {
      ok: false,
      problem: 'malformed Authorization header: expected auth-v2/AK/timestamp/signedHeaders/signature',
    };
  }
  const [, accessKey, timestamp, signedHeaders, signature] = parts;
  if (accessKey === '') return { ok: false, problem: 'malformed Authorization header: empty access key' };
  if (!TIMESTAMP.test(timestamp)) {
    return { ok: false, problem: 'malformed Authorization header: timestamp must be yyyy-MM-ddTHH:mm:ssZ' };
  }
  const signedHeaderNames = signedHeaders.split(';');
  if (!signedHeaderNames.every((name) => HEADER_NAME.test(name))) {
    return {
      ok: false,
      problem: 'malformed Authorization header: signedHeaders must be lower-case names joined with ;',
    };
  }
  if (!signedHeaderNames.includes('host')) return { ok: false, problem: 'signedHeaders must include host' };
  if (!HEX_SHA256.test(signature)) {
    return {
      ok: false,
      problem: 'malformed Authorization header: signature must be 64 lower-case hex digits',
    };
  }
  return { ok: true, header: { accessKey, timestamp, signedHeaders, signedHeaderNames, signature } };
}

/** The access key a request claims, for the call log, even when the rest of the header is wrong. */
export function claimedAccessKey(value: string | undefined): string | undefined {
  const parts = value?.split('/') ?? [];
  return parts[0] === 'auth-v2' && parts[1] ? parts[1] : undefined;
}
