import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Observable } from 'rxjs';
import { GatewayConfig } from '@app/config';
import { GatewayError } from '@app/core';
import { StoreBundle } from '@app/store';
import type { AuthenticatedRequest } from '../auth/client-auth.guard';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';
import { parseIdempotencyKey } from './idempotency-key';
import { ReplayStoredResponse } from './replay-stored-response';
import { idempotencyScope, requestFingerprint } from './request-fingerprint';

/** The claim a request holds while it runs; the completion hook finishes it once the answer is known. */
export interface HeldClaim {
  scope: string;
  token: string;
  renewal: NodeJS.Timeout;
}

export type RequestWithClaim = AuthenticatedRequest & { idempotencyClaim?: HeldClaim };

const MUTATING = new Set(['POST', 'DELETE']);

/**
 * Idempotency-Key on every POST and DELETE under /v1: the first request claims the key (scoped by
 * client and account) and runs; a retry replays its answer, waits out a running one (409), or is told
 * the key was used for another request (422). The answer is recorded after the filter has rendered it
 * (see idempotency-completion.ts), so error answers are recorded exactly as sent.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly leaseMs: number;

  constructor(
    @Inject(STORE_BUNDLE) private readonly store: StoreBundle,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @InjectPinoLogger('idempotency') private readonly logger: PinoLogger,
  ) {
    this.leaseMs = config.settings.idempotencyLeaseMs;
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<RequestWithClaim & FastifyRequest>();
    if (!MUTATING.has(request.method) || !request.client) return next.handle();
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    if (key === undefined) return next.handle();

    const accountId = (request.params as Record<string, string | undefined>).accountId;
    const scope = idempotencyScope(request.client.id, accountId, key);
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const claim = await this.store.idempotency.claim(scope, fingerprint, this.leaseMs);
    switch (claim.outcome) {
      case 'replay':
        throw new ReplayStoredResponse(claim.response);
      case 'mismatch':
        throw new GatewayError(
          'idempotency_key_mismatch',
          'This Idempotency-Key was used for a different request (method, path or body); use a new key',
        );
      case 'in_progress':
        throw new GatewayError(
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still running',
          {
            retryAfterSeconds: Math.max(1, Math.ceil(claim.retryAfterMs / 1000)),
          },
        );
      case 'claimed':
        request.idempotencyClaim = {
          scope,
          token: claim.token,
          renewal: this.keepRenewing(scope, claim.token),
        };
        return next.handle();
    }
  }

  /** Renews the lease while the request runs, so only a crashed process lets the key go early. */
  private keepRenewing(scope: string, token: string): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        this.store.idempotency.renew(scope, token, this.leaseMs).then(
          (held) => {
            if (!held) this.logger.warn({ scope }, 'idempotency lease lost while the request ran');
          },
          (error: unknown) => this.logger.warn({ err: error }, 'idempotency lease renewal failed'),
        );
      },
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    return timer;
  }
}
