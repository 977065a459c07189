import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { VendorExchange } from '@app/http-client';
import { noteVendorExchange } from '../logging/request-line-notes';
import { currentWorkScope } from '../telemetry/work-scope';
import { labelledChildren } from './labelled-children';
import { MetricsRegistry } from './metrics-registry';

const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * Counts and times every vendor exchange, and logs it without headers or bodies (they hold secrets):
 * on its request's line when it has one, else on a line of its own.
 */
@Injectable()
export class VendorMetrics {
  private readonly requests: Counter<'provider' | 'account' | 'outcome'>;
  private readonly duration: Histogram<'provider' | 'account'>;
  private readonly circuit: Gauge<'provider' | 'account'>;
  private readonly results: Counter<'provider' | 'account' | 'action' | 'result'>;
  private readonly requestsOf = labelledChildren((provider, account, outcome) =>
    this.requests.labels(provider, account, outcome),
  );
  private readonly durationOf = labelledChildren((provider, account) =>
    this.duration.labels(provider, account),
  );
  private readonly circuitOf = labelledChildren((provider, account) =>
    this.circuit.labels(provider, account),
  );
  private readonly resultsOf = labelledChildren((provider, account, action, result) =>
    this.results.labels(provider, account, action, result),
  );

  constructor(
    registry: MetricsRegistry,
    @InjectPinoLogger('vendor') private readonly logger: PinoLogger,
  ) {
    const registers: Registry[] = [registry.registry];
    this.requests = new Counter({
      name: 'gateway_vendor_requests_total',
      help: 'Requests sent to vendors, by answer status or transport error code',
      labelNames: ['provider', 'account', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'gateway_vendor_request_duration_seconds',
      help: 'Time from sending a vendor request to reading its answer',
      labelNames: ['provider', 'account'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.results = new Counter({
      name: 'gateway_vendor_results_total',
      help:
        'Mutating vendor calls by what the vendor meant, read from its answer whatever the HTTP status: ok, ' +
        "a number's outcome, or the catalogue code its answer maps to (an iSales failure inside an HTTP 200 shows here)",
      labelNames: ['provider', 'account', 'action', 'result'],
      registers,
    });
    this.circuit = new Gauge({
      name: 'gateway_vendor_circuit_state',
      help: "Each account's circuit breaker as of its last vendor call: 0 closed, 1 half-open, 2 open",
      labelNames: ['provider', 'account'],
      registers,
    });
  }

  result(provider: string, account: string, action: string, result: string): void {
    this.resultsOf(provider, account, action, result).inc();
  }

  record(account: string, exchange: VendorExchange): void {
    const outcome = exchange.status !== undefined ? String(exchange.status) : (exchange.errorCode ?? 'error');
    this.requestsOf(exchange.provider, account, outcome).inc();
    this.durationOf(exchange.provider, account).observe(exchange.durationMs / 1000);
    this.circuitOf(exchange.provider, account).set(CIRCUIT_VALUE[exchange.circuit]);
    const note = {
      provider: exchange.provider,
      account,
      method: exchange.method,
      path: exchange.path,
      status: exchange.status,
      errorCode: exchange.errorCode,
      durationMs: Math.round(exchange.durationMs),
    };
    // A request's exchanges go on its own line (one line per request); a bulk chunk's, or one
    // made after its request's line was written, on a line of their own.
    const scope = currentWorkScope();
    if (scope || !noteVendorExchange(note)) this.logger.info({ ...note, ...scope }, 'vendor exchange');
  }
}
