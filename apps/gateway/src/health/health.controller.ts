import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { GatewayConfig } from '@app/config';
import { StoreBundle } from '@app/store';
import { Draining } from '../shutdown/draining';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';

const STORE_PING_TIMEOUT_MS = 1000;

@ApiTags('service')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(STORE_BUNDLE) private readonly store: StoreBundle,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly draining: Draining,
  ) {}

  @Get('live')
  @ApiOperation({
    operationId: 'getLiveness',
    description:
      "200 while the process answers; for the orchestrator's liveness probe. Open, without a client key.",
    summary: 'The process is up and answering',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready means a request can be served safely: configuration loaded and the store answering, and the
   * process not shutting down (from the signal on, so the load balancer sends no more).
   */
  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    description:
      '200 when the configuration is loaded and the store answers; 503 otherwise, and at once when a shutdown begins. Open, without a client key.',
    summary: 'The gateway can serve: configuration loaded, store reachable, not shutting down',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { store: { status: 'up', kind: 'redis' } } } } })
  @ApiServiceUnavailableResponse({
    description: 'Not ready; `error` says which check failed (`shutdown` while the process drains).',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.configCheck(), () => this.storeCheck()];
    if (this.draining.active) {
      checks.unshift(() => this.indicators.check('shutdown').down({ message: 'shutting down' }));
    }
    try {
      return await this.health.check(checks);
    } catch (error) {
      // Terminus reports "not ready" as an exception; the body it carries is the useful answer.
      const body = (error as { getResponse?: () => unknown }).getResponse?.();
      if (!body) throw error;
      void reply.status(503);
      return body as HealthCheckResult;
    }
  }

  private configCheck() {
    const check = this.indicators.check('configuration');
    return this.config.accounts.length > 0
      ? check.up({ accounts: this.config.accounts.length })
      : check.down({ message: 'no accounts configured' });
  }

  private async storeCheck() {
    const check = this.indicators.check('store');
    try {
      await Promise.race([
        this.store.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timed out')), STORE_PING_TIMEOUT_MS).unref(),
        ),
      ]);
      return check.up({ kind: this.store.kind });
    } catch (error) {
      return check.down({ kind: this.store.kind, message: (error as Error).message });
    }
  }
}
