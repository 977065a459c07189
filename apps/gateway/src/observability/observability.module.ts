import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { HealthController } from '../health/health.controller';
import { loggerOptions } from '../logging/logger-options';
import { BudgetMetrics } from '../metrics/budget-metrics';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { OperationMetrics } from '../metrics/operation-metrics';
import { VendorMetrics } from '../metrics/vendor-metrics';

export interface ObservabilityOptions {
  logLevel?: string;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: DestinationStream;
}

const METRICS = [MetricsRegistry, VendorMetrics, BudgetMetrics, OperationMetrics];

/**
 * Logs, metrics and health: the pino logger every class injects, the Prometheus registry with the
 * vendor, budget and operation metrics the features record into, and the probes and /metrics routes.
 * Global, as logging is: the accounts and operations modules record metrics without importing it.
 * Tracing starts before Nest (telemetry/telemetry.ts) and needs no provider.
 */
@Module({})
export class ObservabilityModule {
  static forRoot({ logLevel, logStream }: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerOptions(logLevel, logStream)),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, MetricsController],
      providers: METRICS,
      exports: METRICS,
    };
  }
}
