import { IncomingHttpHeaders } from 'node:http';
import { AuthV2Header } from './authorization-header';
import { normalize } from './normalize';

/** The parts of a received request that auth-v2 signs. */
export interface SignableRequest {
  method: string;
  /** Path as received, not decoded. */
  rawPath: string;
  /** Text after `?`, undefined when there is none. */
  rawQuery: string | undefined;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export type CanonicalRequestResult = { ok: true; text: string } | { ok: false; missingHeader: string };

/**
 * METHOD \n rawPath \n [canonicalQuery \n] signedHeaders \n canonicalHeaders \n [normalized body]
 * The query line and the body are present only when the request has them.
 */
export function buildCanonicalRequest(request: SignableRequest, auth: AuthV2Header): CanonicalRequestResult {
  const headerLines: string[] = [];
  for (const name of auth.signedHeaderNames) {
    const value = request.headers[name];
    if (value === undefined) return { ok: false, missingHeader: name };
    const text = Array.isArray(value) ? value.join(', ') : value;
    headerLines.push(`${name}:${normalize(text.trim())}`);
  }
  headerLines.sort();

  let text = `${request.method.toUpperCase()}\n${request.rawPath}\n`;
  if (request.rawQuery !== undefined && request.rawQuery !== '')
    text += `${canonicalQuery(request.rawQuery)}\n`;
  text += `${auth.signedHeaders}\n${headerLines.join('\n')}\n`;
  if (request.rawBody.length > 0) text += normalize(request.rawBody);
  return { ok: true, text };
}

/**
 * Keys and values are signed as values, not as the encoded text on the wire: each is decoded first
 * (form style, so `+` is a space, as a Java servlet container reads a query), then normalized.
 */
export function canonicalQuery(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = equals === -1 ? pair : pair.slice(0, equals);
      const value = equals === -1 ? '' : pair.slice(equals + 1);
      return `${normalize(decodeQueryPart(key))}=${normalize(decodeQueryPart(value))}`;
    })
    .sort()
    .join('&');
}

function decodeQueryPart(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A stray `%` is kept literally rather than failing the whole request.
    return spaced;
  }
}
