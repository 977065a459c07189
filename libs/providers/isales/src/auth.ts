import { createHmac } from 'node:crypto';

/**
 * Huawei's "C2" AK/SK request signing (`auth-v2`), reconstructed from the public Java demo
 * (`SignInfo`/`SignerUtils`). The spec checks hand derivations from the written description and three
 * fixed vectors produced by Huawei's demo client; the vendor (or sandbox) answers HTTP 401 when
 * anything differs.
 */
export interface AuthV2Input {
  accessKey: string;
  secretKey: string;
  method: string;
  /** The URI path exactly as sent, not percent-encoded, without the query. */
  path: string;
  query?: Readonly<Record<string, string>> | URLSearchParams;
  /** Headers to sign, by name; `host` is required and must equal the Host header actually sent. */
  headers: Readonly<Record<string, string>>;
  /** The body text exactly as sent; empty or absent means no body line. */
  body?: string;
  timestamp: Date;
}

/** `yyyy-MM-ddTHH:mm:ssZ` in UTC; the vendor parses no milliseconds. */
export function formatAuthV2Timestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('auth-v2 timestamp is not a valid date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/**
 * Percent-encodes UTF-8 bytes keeping only RFC 3986 unreserved characters. Deliberately not
 * `encodeURIComponent`, which leaves `!'()*` alone and would break signatures on bodies holding them.
 */
export function normalizeAuthV2(value: string): string {
  const parts: string[] = [];
  for (const byte of Buffer.from(value, 'utf8')) {
    parts.push(
      isUnreserved(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    );
  }
  return parts.join('');
}

function queryPairs(query: AuthV2Input['query']): [string, string][] {
  if (!query) return [];
  return query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query);
}

function hmacHex(key: string, message: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
}

/** Returns the `Authorization` header value for one request. Pure: same input, same output. */
export function signAuthV2(input: AuthV2Input): string {
  if (input.path.includes('?')) throw new Error('auth-v2 path must not carry the query; pass it as query');
  const timestamp = formatAuthV2Timestamp(input.timestamp);

  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (headers.has(lower)) throw new Error(`auth-v2 header ${lower} is given twice`);
    headers.set(lower, value.trim());
  }
  if (!headers.has('host')) throw new Error('auth-v2 must sign the host header');

  const signedHeaders = [...headers.keys()].sort().join(';');
  const authStringPrefix = `auth-v2/${input.accessKey}/${timestamp}/${signedHeaders}`;
  // The vendor keys the second HMAC with the hex text of the first, not with its raw bytes.
  const signingKey = hmacHex(input.secretKey, authStringPrefix);

  const canonicalQuery = queryPairs(input.query)
    .map(([key, value]) => `${normalizeAuthV2(key)}=${normalizeAuthV2(value)}`)
    .sort()
    .join('&');
  const canonicalHeaders = [...headers.entries()]
    .map(([name, value]) => `${name}:${normalizeAuthV2(value)}`)
    .sort()
    .join('\n');

  const lines = [input.method.toUpperCase(), input.path];
  if (canonicalQuery) lines.push(canonicalQuery);
  lines.push(signedHeaders, canonicalHeaders);
  const body = input.body ? normalizeAuthV2(input.body) : '';
  const canonicalRequest = `${lines.join('\n')}\n${body}`;

  return `${authStringPrefix}/${hmacHex(signingKey, canonicalRequest)}`;
}
