import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import CircuitBreaker from 'opossum';
import { Agent, Dispatcher, request } from 'undici';
import { GatewayError } from '@app/core';
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
}

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * One HTTP(S) client per configured account: its own connection pool, CA bundle and timeouts.
 * Transport failures come out as neutral GatewayErrors (timeout, unavailable) and never as raw
 * socket errors, so callers handle one error type.
 */
export class VendorHttpClient {
  private readonly agent: Dispatcher;
  private readonly origin: URL;
  private readonly basePath: string;
  private readonly circuit: CircuitBreaker<[VendorRequest], VendorResponse>;
  private readonly resetMs: number;

  constructor(private readonly options: VendorHttpClientOptions) {
    this.origin = new URL(options.baseUrl);
    this.basePath = this.origin.pathname.replace(/\/+$/, '');
    const ca = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
    this.agent = new Agent({
      connect: {
        timeout: options.connectTimeoutMs ?? Math.min(options.timeoutMs, 5000),
        // Extra CAs are trusted alongside the system store; verification itself is never turned off.
        ...(ca ? { ca: [...rootCertificates, ca] } : {}),
      },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4000,
      // undici 8 would speak HTTP/2 to a vendor that offers it; the vendors are HTTP/1.1 services,
      // and the signed Host header is an HTTP/1.1 field.
      allowH2: false,
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
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const path = this.fullPath(req.path);
    try {
      const res = await request(new URL(path, this.origin.origin), {
        method: req.method,
        headers: { ...req.headers, host: this.host },
        body: req.body,
        dispatcher: this.agent,
        signal,
      });
      const text = await this.readBody(res.body, signal);
      this.record({ method: req.method, path, status: res.statusCode, started });
      return { status: res.statusCode, headers: res.headers, text };
    } catch (error) {
      const failure =
        error instanceof GatewayError
          ? error
          : classifyTransportError(error, this.options.providerName, timeout.aborted, this.options.timeoutMs);
      this.record({ method: req.method, path, started, errorCode: failure.code });
      throw failure;
    }
  }

  async close(): Promise<void> {
    this.circuit.shutdown();
    await this.agent.close();
  }

  private async readBody(body: Dispatcher.ResponseData['body'], signal: AbortSignal): Promise<string> {
    const max = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const data of body) {
      const chunk = data as Buffer;
      size += chunk.length;
      if (size > max) {
        body.destroy();
        throw new GatewayError(
          'provider_error',
          `${this.options.providerName} sent an answer larger than ${max} bytes`,
          {
            provider: { name: this.options.providerName },
          },
        );
      }
      chunks.push(chunk);
      signal.throwIfAborted();
    }
    return Buffer.concat(chunks).toString('utf8');
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
    });
  }
}

function isTransportFailure(error: unknown): boolean {
  return (
    error instanceof GatewayError &&
    (error.code === 'provider_unavailable' || error.code === 'provider_timeout')
  );
}
