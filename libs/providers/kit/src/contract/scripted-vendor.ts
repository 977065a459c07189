import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as the scripted vendor received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the scripted vendor sends back. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** An answer, or a transport fault: `hang` never answers, `reset` drops the connection unanswered. */
export type ScriptedReply = ScriptedAnswer | 'hang' | 'reset';

export type VendorScript = (request: ReceivedRequest) => ScriptedReply;

/**
 * A real HTTP server on a loopback port whose answers each test scripts: adapters are exercised over
 * the wire, through their own HTTP client, with nothing of ours replaced.
 */
export class ScriptedVendor {
  readonly received: (ReceivedRequest & { insideGate: boolean })[] = [];
  private script: VendorScript = () => ({ status: 500, body: 'no script' });
  private server?: Server;

  /** `insideGate` tells, as each request arrives, whether the adapter's gate is running a call. */
  constructor(private readonly insideGate: () => boolean) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.received.push({ ...request, insideGate: this.insideGate() });
        const reply = this.script(request);
        if (reply === 'hang') return;
        if (reply === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  answer(script: VendorScript): void {
    this.script = script;
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
