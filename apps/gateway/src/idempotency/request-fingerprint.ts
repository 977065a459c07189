import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so `{a,b}` and `{b,a}` are the same request.
 *
 * It recurses once per level, and runs (in the interceptor) before the body is validated; that is
 * safe because a body reaches it only through the JSON parser, which refuses anything nested deeper
 * than MAX_JSON_DEPTH (32) before parsing (see http/json-depth.ts). Keep that bound if bodies ever
 * arrive another way.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same" for an idempotency key: method, path with sorted query, body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  const [path, query = ''] = url.split('?');
  const sortedQuery = new URLSearchParams(query);
  sortedQuery.sort();
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${path}?${sortedQuery.toString()}\n${canonicalJson(body)}`)
    .digest('hex');
}

/** Scope of a key: the same key from another client or for another account is another key. */
export function idempotencyScope(clientId: string, accountId: string | undefined, key: string): string {
  return createHash('sha256')
    .update(`${clientId}\n${accountId ?? ''}\n${key}`)
    .digest('hex');
}
