import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { GatewayError } from '@app/core';
import type { AuthenticatedRequest } from '../auth/client-auth.guard';

export const INBOUND_POLICY = 'per-client';

/**
 * Inbound throttling per client (after authentication, so the client id is the tracker) over all
 * routes together. Answers carry the IETF draft's `RateLimit-Policy` and `RateLimit` fields; over the
 * limit is 429 `rate_limited` with `Retry-After`. When the throttler's store cannot be reached the
 * request goes on: this limit protects the gateway, while the vendor guards behind it fail closed.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const client = (request as unknown as AuthenticatedRequest).client;
    return client ? `client:${client.id}` : `ip:${String(request.ip)}`;
  }

  /** One budget per client over every route; the storage adds the throttler's name (and Redis its prefix). */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const tracker = await getTracker(http.getRequest(), context);
    const key = generateKey(context, tracker, throttler.name ?? INBOUND_POLICY);
    let record;
    try {
      record = await this.storageService.increment(
        key,
        ttl,
        limit,
        blockDuration,
        throttler.name ?? INBOUND_POLICY,
      );
    } catch {
      return true;
    }
    const windowSeconds = Math.ceil(ttl / 1000);
    void reply.header('RateLimit-Policy', `"${INBOUND_POLICY}";q=${limit};w=${windowSeconds}`);
    void reply.header(
      'RateLimit',
      `"${INBOUND_POLICY}";r=${Math.max(0, limit - record.totalHits)};t=${record.isBlocked ? record.timeToBlockExpire : record.timeToExpire}`,
    );
    if (record.isBlocked) {
      throw new GatewayError(
        'rate_limited',
        `This client may send ${limit} requests in ${windowSeconds} s; slow down`,
        {
          retryAfterSeconds: Math.max(1, record.timeToBlockExpire),
        },
      );
    }
    return true;
  }
}
