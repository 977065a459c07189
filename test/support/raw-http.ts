import { connect } from 'node:net';

export interface EarlyAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
  /** Whether the server closed the connection (within a second of its answer). */
  closedByServer: boolean;
}

export interface PartialRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The Content-Length announced. */
  contentLength: number;
  /** The only part of the body sent; the rest never is. */
  head: string;
}

/**
 * Sends a request's headers and the first bytes of its body over a plain socket, then waits for an
 * answer without sending the rest: only an answer given before the body is read can arrive. Fails
 * after `timeoutMs` if none does.
 */
export function sendHeadOfBody(
  baseUrl: string,
  request: PartialRequest,
  timeoutMs = 5000,
): Promise<EarlyAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let answer: Omit<EarlyAnswer, 'closedByServer'> | undefined;
    let settled = false;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (received ${received.length} bytes)`));
    }, timeoutMs);
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      socket.destroy();
      if (answer) resolve({ ...answer, closedByServer });
      else reject(new Error(`the connection ended without an answer: ${received.toString('utf8')}`));
    };

    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (answer) return;
      answer = parseAnswer(received);
      // The answer is in: give the server a second to close the connection, as it should.
      if (answer) setTimeout(() => finish(false), 1000).unref();
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // A reset after the answer is the server refusing the rest of the body: that is closing too.
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      const headers = {
        host: `${hostname}:${port}`,
        ...request.headers,
        'content-length': String(request.contentLength),
      };
      socket.write(
        `${request.method} ${request.path} HTTP/1.1\r\n` +
          Object.entries(headers)
            .map(([name, value]) => `${name}: ${value}\r\n`)
            .join('') +
          '\r\n',
      );
      socket.write(request.head);
    });
  });
}

/** Status, headers and body of a complete HTTP/1.1 answer with a Content-Length, else undefined. */
function parseAnswer(bytes: Buffer): Omit<EarlyAnswer, 'closedByServer'> | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const length = Number(headers['content-length'] ?? 0);
  if (bytes.length < end + 4 + length) return undefined;
  const text = bytes.subarray(end + 4, end + 4 + length).toString('utf8');
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: /json/.test(headers['content-type'] ?? '') && text ? parseJsonOr(text) : text,
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  /** Parsed when the answer says JSON, else the text. */
  body: any;
  text: string;
}

/**
 * Writes `bytes` (one or more requests' worth, exactly as given: invalid HTTP included) to a fresh
 * connection and reads the first answer, by Content-Length or until the server closes. For requests
 * an HTTP client library would refuse to send.
 */
export function sendRaw(baseUrl: string, bytes: Buffer | string, timeoutMs = 5000): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(giveUp);
      socket.destroy();
      const answer = parseAnswer(received) ?? parseUntilClose(received);
      if (answer) resolve({ ...answer, text: answerText(received) });
      else
        reject(error ?? new Error(`no answer: ${JSON.stringify(received.toString('latin1').slice(0, 200))}`));
    };
    const giveUp = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (parseAnswer(received)) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (error) => finish(error));
    socket.on('connect', () => socket.write(bytes));
  });
}

/** An answer without Content-Length (read until close). */
function parseUntilClose(bytes: Buffer): Omit<EarlyAnswer, 'closedByServer'> | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = bytes.subarray(0, end).toString('latin1');
  const withLength = Buffer.concat([
    Buffer.from(head.replace(/\r\ncontent-length:[^\r]*/i, ''), 'latin1'),
    Buffer.from(`\r\ncontent-length: ${bytes.length - end - 4}\r\n\r\n`, 'latin1'),
    bytes.subarray(end + 4),
  ]);
  return parseAnswer(withLength);
}

function answerText(bytes: Buffer): string {
  const end = bytes.indexOf('\r\n\r\n');
  return end < 0 ? '' : bytes.subarray(end + 4).toString('utf8');
}

/** A JSON answer parsed, or its text when it is not JSON after all (the suites assert on that). */
function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
