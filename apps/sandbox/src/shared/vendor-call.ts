import { IncomingHttpHeaders } from 'node:http';

/** A request body as the vendor code sees it: JSON is parsed once, garbage is kept as text. */
export type ParsedBody =
  { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'invalid'; text: string };

/** Everything a simulated vendor needs to know about one request, raw bytes included (for signing). */
export interface VendorCall {
  method: string;
  /** Path exactly as received (still percent-encoded), without the query. */
  rawPath: string;
  /** Text after `?`, undefined when the target has no `?`. */
  rawQuery: string | undefined;
  /** Decoded query parameters (the last one wins on repeats). */
  query: Record<string, string>;
  /** Route parameters, decoded by the router. */
  params: Record<string, string>;
  /** Headers as received, Content-Type included. */
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: ParsedBody;
}

/** What to send back. Exactly one of json / text is set, or neither for an empty answer. */
export interface VendorAnswer {
  status: number;
  /** Any JSON value; a string here goes out as a JSON string (Ozonetel's double-encoded answers). */
  json?: unknown;
  text?: string;
  contentType?: string;
  /** Marks the call as refused by a rate limit in the call log. */
  rateLimited?: boolean;
}

export function jsonAnswer(status: number, json: unknown, rateLimited = false): VendorAnswer {
  return { status, json, rateLimited };
}

export function htmlAnswer(status: number, html: string): VendorAnswer {
  return { status, text: html, contentType: 'text/html; charset=utf-8' };
}

export function emptyAnswer(status: number, rateLimited = false): VendorAnswer {
  return { status, rateLimited };
}

export function parseBody(raw: Buffer): ParsedBody {
  if (raw.length === 0) return { kind: 'empty' };
  const text = raw.toString('utf8');
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid', text };
  }
}

/** The call log keeps what was sent in the most readable form. */
export function bodyForLog(body: ParsedBody): unknown {
  if (body.kind === 'json') return body.value;
  if (body.kind === 'invalid') return body.text;
  return null;
}

export function answerForLog(answer: VendorAnswer): unknown {
  if (answer.json !== undefined) return answer.json;
  if (answer.text !== undefined) return answer.text;
  return null;
}

export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
