import { Agent, Dispatcher, request } from 'undici';

export interface ApiAnswer<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is, for tests of malformed bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
  key?: string | null;
}

const plain = new Agent({ keepAliveTimeout: 1000 });

/** A tiny HTTP client over real loopback sockets; answers are parsed when they are JSON. */
export async function call(
  baseUrl: string,
  method: Dispatcher.HttpMethod,
  path: string,
  options: CallOptions = {},
  dispatcher: Dispatcher = plain,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await request(`${baseUrl}${path}`, { method, headers, body, dispatcher });
  const text = await res.body.text();
  const flatHeaders = Object.fromEntries(
    Object.entries(res.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : String(value),
    ]),
  );
  let parsed: unknown = text;
  if (/json/.test(flatHeaders['content-type'] ?? '') && text !== '') parsed = JSON.parse(text);
  return { status: res.statusCode, headers: flatHeaders, body: parsed, text };
}

/** A client bound to one base URL and key: `api.post('/v1/...', { body })`. */
export function client(baseUrl: string, key: string | null, dispatcher?: Dispatcher) {
  const send =
    (method: Dispatcher.HttpMethod) =>
    (path: string, options: Omit<CallOptions, 'key'> = {}) =>
      call(baseUrl, method, path, { key, ...options }, dispatcher);
  return { get: send('GET'), post: send('POST'), put: send('PUT'), delete: send('DELETE') };
}

export type ApiClient = ReturnType<typeof client>;
