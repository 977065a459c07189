import { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import fastify, { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { CallLog, CallRecord } from './call-log';
import { Clock } from './clock';
import { Delays } from './delays';
import { commonFaultAnswer } from './fault-answers';
import { Fault, FaultKind, FaultRegistry, FaultSpec } from './faults';
import { isRecord } from './shape';
import {
  answerForLog,
  bodyForLog,
  jsonAnswer,
  parseBody,
  ParsedBody,
  VendorAnswer,
  VendorCall,
} from './vendor-call';

export interface VendorAppOptions {
  logger: boolean;
  /** PEM contents; absent serves plain HTTP. */
  tls?: { cert: string; key: string };
  callLog: CallLog;
  faults: FaultRegistry;
  clock: Clock;
  /** Names the account a request claims, for the call log. Must not throw. */
  identifyAccount(call: VendorCall): string | undefined;
  /** Bodies for fault kinds whose look differs per vendor (`rateLimited`, `tokenExpired`). */
  vendorFaultAnswer(kind: FaultKind): VendorAnswer | undefined;
}

/** Decides the answer for one vendor request; `now` is the clock reading the call log records. */
export type VendorHandler = (call: VendorCall, now: number) => VendorAnswer | Promise<VendorAnswer>;

export const CONTROL_PREFIX = '/__sandbox';

const EMPTY_BODY = Buffer.alloc(0);

/**
 * One simulated vendor server: a fastify instance whose vendor routes all run through the same
 * pipeline (raw body capture, fault injection, call log), so each vendor module only decides answers.
 */
export class VendorApp {
  readonly server: FastifyInstance;
  private readonly receivedHeaders = new WeakMap<FastifyRequest, IncomingHttpHeaders>();
  private readonly delays = new Delays();

  constructor(private readonly options: VendorAppOptions) {
    this.server = createFastify(options);
    this.captureRawBodies();
    this.server.addHook('preClose', async () => this.delays.cancelAll());
    this.server.setNotFoundHandler((request, reply) => {
      if (pathOf(request).startsWith(CONTROL_PREFIX)) {
        return reply.code(404).send({ error: 'Not Found' });
      }
      return this.run(request, reply, () => jsonAnswer(404, { error: 'Not Found' }));
    });
    this.server.setErrorHandler((error, _request, reply) => {
      // fastify's own errors (body too large, bad request line) carry their status code.
      const statusCode = isRecord(error) ? error.statusCode : undefined;
      const status = typeof statusCode === 'number' && statusCode >= 400 ? statusCode : 500;
      return reply.code(status).send({ error: error instanceof Error ? error.message : 'error' });
    });
  }

  /** Registers a vendor route: its calls are logged and exposed to faults. */
  route(method: HTTPMethods, url: string, handler: VendorHandler): void {
    this.server.route({ method, url, handler: (request, reply) => this.run(request, reply, handler) });
  }

  /** The body of a control request, parsed the same way as vendor bodies. */
  controlBody(request: FastifyRequest): ParsedBody {
    return parseBody(Buffer.isBuffer(request.body) ? request.body : EMPTY_BODY);
  }

  /** Starts listening and answers the base URL, without a trailing slash. */
  async listen(host: string, port: number): Promise<string> {
    await this.server.listen({ host, port });
    const address = this.server.server.address() as AddressInfo;
    const protocol = this.options.tls ? 'https' : 'http';
    return `${protocol}://${hostForUrl(host)}:${address.port}`;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** Drops the requests a `slow` fault is holding back; part of a reset. */
  cancelDelayedCalls(): void {
    this.delays.cancelAll();
  }

  /**
   * Every body is taken as raw bytes, whatever its Content-Type (or lack of one): iSales signs the
   * exact bytes, and both vendors must answer garbage with their own codes rather than fastify's 415.
   * The original headers are kept aside, then Content-Type is hidden from fastify so that odd or
   * malformed media types still reach the catch-all parser.
   */
  private captureRawBodies(): void {
    this.server.removeAllContentTypeParsers();
    this.server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    this.server.addHook('onRequest', async (request) => {
      this.receivedHeaders.set(request, { ...request.raw.headers });
      delete request.raw.headers['content-type'];
    });
  }

  private async run(request: FastifyRequest, reply: FastifyReply, handler: VendorHandler): Promise<void> {
    const { callLog, faults, clock } = this.options;
    const ticket = callLog.open();
    const call = await this.readCall(request);
    const fault = faults.take(call.method, call.rawPath);
    if (fault?.kind === 'slow' && !(await this.delays.wait(fault.delayMs ?? 0))) {
      // Cancelled by a reset or close: dropped unanswered and unrecorded, the state untouched.
      dropConnection(request, reply);
      return;
    }
    const at = clock();
    const record = this.recordBase(call, at, fault);

    if (fault?.kind === 'reset') {
      // No answer at all: the client sees the connection drop, as with a crashed vendor or proxy.
      dropConnection(request, reply);
      callLog.close(ticket, { ...record, status: 0, response: null, rateLimited: false });
      return;
    }

    const injected = fault && fault.kind !== 'slow' ? this.faultAnswer(fault) : undefined;
    const answer = injected ?? (await this.answerSafely(handler, call, at));
    this.send(reply, answer);
    callLog.close(ticket, {
      ...record,
      status: answer.status,
      response: answerForLog(answer),
      rateLimited: answer.rateLimited === true,
    });
  }

  private recordBase(
    call: VendorCall,
    at: number,
    fault: Fault | undefined,
  ): Omit<CallRecord, 'seq' | 'status' | 'response' | 'rateLimited'> {
    const record: Omit<CallRecord, 'seq' | 'status' | 'response' | 'rateLimited'> = {
      at,
      method: call.method,
      path: call.rawPath,
      query: call.query,
      body: bodyForLog(call.body),
    };
    const account = this.options.identifyAccount(call);
    if (account !== undefined) record.account = account;
    if (fault !== undefined) record.fault = fault.kind;
    const traceparent = call.headers.traceparent;
    if (typeof traceparent === 'string') record.traceparent = traceparent;
    return record;
  }

  private faultAnswer(fault: FaultSpec): VendorAnswer {
    return (
      commonFaultAnswer(fault) ??
      this.options.vendorFaultAnswer(fault.kind) ??
      jsonAnswer(500, { error: `fault ${fault.kind} has no answer on this vendor` })
    );
  }

  private async answerSafely(handler: VendorHandler, call: VendorCall, now: number): Promise<VendorAnswer> {
    try {
      return await handler(call, now);
    } catch (error) {
      // A sandbox bug must show up as such, not as a plausible vendor answer.
      const message = error instanceof Error ? error.message : String(error);
      return jsonAnswer(500, { error: 'sandbox internal error', message });
    }
  }

  private send(reply: FastifyReply, answer: VendorAnswer): FastifyReply {
    reply.code(answer.status);
    if (answer.json !== undefined) {
      // Serialized here so a JSON string answer goes out quoted instead of as plain text.
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify(answer.json));
    }
    if (answer.text !== undefined) {
      return reply
        .header('content-type', answer.contentType ?? 'text/plain; charset=utf-8')
        .send(answer.text);
    }
    return reply.send();
  }

  private async readCall(request: FastifyRequest): Promise<VendorCall> {
    const target = request.raw.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawQuery = queryStart === -1 ? undefined : target.slice(queryStart + 1);
    const rawBody = await this.rawBodyOf(request);
    return {
      method: request.method,
      rawPath: queryStart === -1 ? target : target.slice(0, queryStart),
      rawQuery,
      query: Object.fromEntries(new URLSearchParams(rawQuery ?? '')),
      params: { ...(request.params as Record<string, string> | undefined) },
      headers: this.receivedHeaders.get(request) ?? request.raw.headers,
      rawBody,
      body: parseBody(rawBody),
    };
  }

  private async rawBodyOf(request: FastifyRequest): Promise<Buffer> {
    if (Buffer.isBuffer(request.body)) return request.body;
    const headers = request.raw.headers;
    const announced =
      headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
    if (!announced || request.raw.readableEnded) return EMPTY_BODY;
    // fastify never reads bodies of GET requests, yet Ozonetel's campaignStatus sends one.
    const chunks: Buffer[] = [];
    for await (const chunk of request.raw) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

/**
 * HTTP or HTTPS; the pipeline only uses what both share (Node's IncomingMessage and socket).
 * Connections are closed outright on close, so a test's teardown never waits on a keep-alive client.
 */
function createFastify(options: VendorAppOptions): FastifyInstance {
  const common = { logger: options.logger, forceCloseConnections: true };
  if (options.tls) return fastify({ ...common, https: { cert: options.tls.cert, key: options.tls.key } });
  return fastify(common);
}

function dropConnection(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  request.raw.socket.destroy();
}

function pathOf(request: FastifyRequest): string {
  const target = request.raw.url ?? '/';
  const queryStart = target.indexOf('?');
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
