import { readFileSync } from 'node:fs';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import axios, { AxiosInstance, AxiosResponse, CreateAxiosDefaults } from 'axios';
import CircuitBreaker from 'opossum';
import { GatewayError } from '@app/core';
import { ExchangeDeadline } from './exchange-deadline';
import { createVendorAgents, VendorAgents } from './vendor-agents';
import { classifyTransportError } from './transport-errors';

export interface VendorHttpClientOptions {
  /** Used in error details and exchange records; never a secret. */
  providerName: string;
  baseUrl: string;
  /** PEM bundle of extra trusted CAs (on-premises vendors with a private CA). Added to, not replacing, checking. */
  caFile?: string;
  /** Whole-exchange limit: connect, send, and read the answer. */
  timeoutMs: number;
  connectTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Told about every exchange, for logs and metrics. */
  onExchange?: (exchange: VendorExchange) => void;
  circuit?: CircuitOptions;
}

/**
 * When the vendor keeps failing (no connection, timeouts, 5xx), later calls fail at once for
 * `resetMs` instead of each waiting out a timeout; then one call probes whether it is back.
 */
export interface CircuitOptions {
  /** Share of failed calls (0..100) in the rolling window that opens the circuit. */
  failurePercentage: number;
  /** Fewest calls in the window before the share is judged. */
  minimumCalls: number;
  rollingWindowMs: number;
  resetMs: number;
}

export const DEFAULT_CIRCUIT: CircuitOptions = {
  failurePercentage: 50,
  minimumCalls: 10,
  rollingWindowMs: 10_000,
  resetMs: 10_000,
};

/** A 5xx answer, thrown inside the breaker so it counts as a failure, then handed back as the answer. */
class ServerFailure extends Error {
  constructor(readonly response: VendorResponse) {
    super(`HTTP ${response.status}`);
  }
}

export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query after the base URL, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface VendorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface VendorExchange {
  provider: string;
  method: string;
  path: string;
  status?: number;
  durationMs: number;
  errorCode?: string;
  /** The account's circuit breaker after the exchange. */
  circuit: CircuitState;
}

export type CircuitState = 'closed' | 'half_open' | 'open';

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

const tracer = trace.getTracer('campaign-gateway/vendor');

/**
 * Headers axios adds on its own when a request lacks them, by lower-case name. The vendor sees only
 * what the provider set (and what signing covered), so they are turned off (`false`) unless the
 * request names them.
 */
const AXIOS_DEFAULT_HEADERS: ReadonlyMap<string, string> = new Map(
  ['Accept', 'User-Agent', 'Accept-Encoding', 'Content-Type'].map((name) => [name.toLowerCase(), name]),
);

/**
 * How every vendor call goes through axios, whatever the account (the benchmark's floor uses the same).
 */
export const VENDOR_AXIOS_SETTINGS = {
  // Paths are always below the account's base URL, never another origin.
  allowAbsoluteUrls: false,
  // Environment proxies never apply: the account's agents connect straight to the vendor.
  proxy: false,
  // A 3xx is the vendor's answer, handed back like any other; nothing is followed.
  maxRedirects: 0,
  // Every status is an answer for the provider to interpret; only transport failures reject.
  validateStatus: () => true,
  // The body as bytes, decoded by the client, never parsed or transformed by axios: providers parse it.
  // No transforms at all rather than identity ones: axios normalises the headers once per
  // transform it runs, on the way out and on the way back.
  responseType: 'arraybuffer',
  transformRequest: [],
  transformResponse: [],
  // The whole-exchange timeout is the ExchangeDeadline in `callTraced`, connect timeout is the agents'.
  timeout: 0,
} as const satisfies CreateAxiosDefaults;

/**
 * One HTTP(S) client per configured account: its own keep-alive agent, TLS secure context (system
 * roots plus the account's CA, built once) and timeouts, on axios. Transport failures come out as
 * neutral GatewayErrors (timeout, unavailable) and never as raw socket or axios errors, so callers
 * handle one error type.
 */
export class VendorHttpClient {
  private readonly agents: VendorAgents;
  private readonly http: AxiosInstance;
  private readonly origin: URL;
  private readonly basePath: string;
  private readonly maxResponseBytes: number;
  private readonly circuit: CircuitBreaker<[VendorRequest], VendorResponse>;
  private readonly resetMs: number;
  /** Exchanges under way, so `close` lets them finish before the sockets go. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: VendorHttpClientOptions) {
    this.origin = new URL(options.baseUrl);
    this.basePath = this.origin.pathname.replace(/\/+$/, '');
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.agents = createVendorAgents({
      caPem: options.caFile ? readFileSync(options.caFile, 'utf8') : undefined,
      connectTimeoutMs: options.connectTimeoutMs ?? Math.min(options.timeoutMs, 5000),
      keepAliveTimeoutMs: 4000,
    });
    this.http = axios.create({
      ...VENDOR_AXIOS_SETTINGS,
      baseURL: this.origin.origin,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      maxContentLength: this.maxResponseBytes,
    });
    const circuit = { ...DEFAULT_CIRCUIT, ...options.circuit };
    this.resetMs = circuit.resetMs;
    this.circuit = new CircuitBreaker(
      async (req: VendorRequest) => {
        const res = await this.exchange(req);
        if (res.status >= 500) throw new ServerFailure(res);
        return res;
      },
      {
        timeout: false, // our own timeouts apply; the breaker only counts
        errorThresholdPercentage: circuit.failurePercentage,
        volumeThreshold: circuit.minimumCalls,
        rollingCountTimeout: circuit.rollingWindowMs,
        resetTimeout: circuit.resetMs,
        // Only the vendor being unreachable, slow or broken counts, never what it said about a request.
        errorFilter: (error: unknown) => !(error instanceof ServerFailure || isTransportFailure(error)),
      },
    );
  }

  /** The `Host` value the client sends, which request signing must cover. */
  get host(): string {
    return this.origin.host;
  }

  /** The path as the vendor sees it, base path included, for signing. */
  fullPath(path: string): string {
    return `${this.basePath}${path}`;
  }

  async send(req: VendorRequest): Promise<VendorResponse> {
    try {
      return await this.circuit.fire(req);
    } catch (error) {
      if (error instanceof ServerFailure) return error.response;
      if ((error as { code?: unknown }).code === 'EOPENBREAKER') {
        this.record({
          method: req.method,
          path: this.fullPath(req.path),
          started: performance.now(),
          errorCode: 'CIRCUIT_OPEN',
        });
        throw new GatewayError(
          'provider_unavailable',
          `${this.options.providerName} has been failing; calls are held back for a few seconds (circuit open); nothing was sent`,
          {
            provider: { name: this.options.providerName },
            notProcessed: true,
            retryAfterSeconds: Math.ceil(this.resetMs / 1000),
          },
        );
      }
      throw error;
    }
  }

  private async exchange(req: VendorRequest): Promise<VendorResponse> {
    const call = this.call(req);
    this.inFlight.add(call);
    try {
      return await call;
    } finally {
      this.inFlight.delete(call);
    }
  }

  /**
   * One span per vendor exchange (a client span, child of the request's or the chunk's), whose
   * `traceparent` goes to the vendor with the request, whether or not spans are exported.
   */
  private call(req: VendorRequest): Promise<VendorResponse> {
    const path = this.fullPath(req.path);
    return tracer.startActiveSpan(
      `${this.options.providerName} ${req.method}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': req.method,
          'server.address': this.origin.hostname,
          'url.path': path,
          'gateway.provider': this.options.providerName,
        },
      },
      async (span) => {
        try {
          const res = await this.callTraced(req, path);
          span.setAttribute('http.response.status_code', res.status);
          if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          return res;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private async callTraced(req: VendorRequest, path: string): Promise<VendorResponse> {
    const started = performance.now();
    const deadline = new ExchangeDeadline(this.options.timeoutMs, req.signal);
    try {
      const res: AxiosResponse<Buffer> = await this.http.request({
        method: req.method,
        url: path,
        headers: this.headers(req.headers),
        data: req.body,
        signal: deadline.signal,
      });
      const text = res.data.toString('utf8');
      this.record({ method: req.method, path, status: res.status, started });
      return { status: res.status, headers: plainHeaders(res.headers), text };
    } catch (error) {
      const failure = classifyTransportError(
        error,
        this.options.providerName,
        deadline.timedOut,
        this.options.timeoutMs,
        this.maxResponseBytes,
      );
      this.record({ method: req.method, path, started, errorCode: failure.code });
      throw failure;
    } finally {
      deadline.clear();
    }
  }

  /** The request's headers, the signed Host, and axios's own defaults turned off where not given. */
  private headers(given: Record<string, string>): Record<string, string | false> {
    const headers: Record<string, string | false> = {};
    for (const name of AXIOS_DEFAULT_HEADERS.values()) headers[name] = false;
    for (const name of Object.keys(given)) {
      const axiosDefault = AXIOS_DEFAULT_HEADERS.get(name.toLowerCase());
      if (axiosDefault !== undefined) delete headers[axiosDefault];
      headers[name] = given[name];
    }
    headers.host = this.host;
    // W3C trace context of the vendor span (`traceparent`, `tracestate`): never signed, never a secret.
    propagation.inject(context.active(), headers);
    return headers;
  }

  /** Stops taking calls, lets the ones under way finish, then closes the account's connections. */
  async close(): Promise<void> {
    this.circuit.shutdown();
    await Promise.allSettled([...this.inFlight]);
    this.agents.destroy();
  }

  private record(e: {
    method: string;
    path: string;
    status?: number;
    started: number;
    errorCode?: string;
  }): void {
    this.options.onExchange?.({
      provider: this.options.providerName,
      method: e.method,
      path: e.path,
      status: e.status,
      durationMs: performance.now() - e.started,
      errorCode: e.errorCode,
      circuit: this.circuitState(),
    });
  }

  circuitState(): CircuitState {
    if (this.circuit.halfOpen) return 'half_open';
    return this.circuit.opened ? 'open' : 'closed';
  }
}

/** The answer's headers as Node parsed them: lower-case names, `set-cookie` as an array. */
function plainHeaders(headers: AxiosResponse['headers']): VendorResponse['headers'] {
  const plain: VendorResponse['headers'] = {};
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof value === 'string' || Array.isArray(value))
      plain[name.toLowerCase()] = value as string | string[];
    else if (typeof value === 'number' || typeof value === 'boolean')
      plain[name.toLowerCase()] = String(value);
  }
  return plain;
}

function isTransportFailure(error: unknown): boolean {
  return (
    error instanceof GatewayError &&
    (error.code === 'provider_unavailable' || error.code === 'provider_timeout')
  );
}
