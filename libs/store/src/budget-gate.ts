import { setTimeout as sleep } from 'node:timers/promises';
import { CallContext, GatewayError, RateLimit, VendorCallGate } from '@app/core';
import { RateLimiter } from './ports/rate-limiter';

export interface BudgetGateOptions {
  /** Limiter key of the vendor account; every replica must use the same one. */
  key: string;
  limit: RateLimit;
  /** Share of the window bulk work may fill, leaving the rest to interactive calls (0..1]. */
  bulkShare?: number;
  /** How long the account pauses after the vendor says it is over its limit; defaults to one window. */
  vendorLimitPauseMs?: number;
  /**
   * Extra time each grant stays in the window. The vendor counts arrivals, the limiter counts grants:
   * without a margin, a request that travels a little slower than the next one can put limit + 1
   * arrivals into one of the vendor's windows. Defaults to 1 % of the window, at least 100 ms, at most 1 s.
   */
  marginMs?: number;
}

export function defaultMarginMs(windowMs: number): number {
  return Math.min(1000, Math.max(100, Math.ceil(windowMs / 100)));
}

/**
 * The vendor-neutral gate every vendor call passes: it takes a grant from the shared limiter before
 * the call, waits (without polling hard) for the earliest grant the limiter reports, and gives up with
 * `provider_rate_limited` once the caller's deadline would pass.
 */
export class BudgetGate implements VendorCallGate {
  /** The configured budget with the margin added to its window. */
  private readonly window: RateLimit;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly options: BudgetGateOptions,
  ) {
    const { limit } = options;
    this.window = {
      limit: limit.limit,
      windowMs: limit.windowMs + (options.marginMs ?? defaultMarginMs(limit.windowMs)),
    };
  }

  async run<T>(ctx: CallContext, call: () => Promise<T>): Promise<T> {
    for (;;) {
      await this.acquire(ctx);
      try {
        return await call();
      } catch (error) {
        // The vendor refused for its own limit and did nothing: everyone stops for a while, then retry.
        if (error instanceof GatewayError && error.code === 'provider_rate_limited' && error.notProcessed) {
          await this.limiter.pause(
            this.options.key,
            this.options.vendorLimitPauseMs ?? this.options.limit.windowMs,
          );
          continue;
        }
        throw error;
      }
    }
  }

  private async acquire(ctx: CallContext): Promise<void> {
    const { limit } = this.options;
    const ceiling =
      ctx.priority === 'bulk'
        ? Math.max(1, Math.floor(limit.limit * (this.options.bulkShare ?? 1)))
        : limit.limit;
    for (;;) {
      const result = await this.limiter.tryAcquire(this.options.key, this.window, ceiling);
      if (result.granted) return;
      const waitUntil = Date.now() + result.retryAfterMs;
      if (waitUntil > ctx.deadline) {
        throw new GatewayError(
          'provider_rate_limited',
          `The provider's rate budget for this account (${limit.limit} per ${limit.windowMs} ms) is spent; nothing was sent`,
          { retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)), notProcessed: true },
        );
      }
      await sleep(result.retryAfterMs, undefined, { signal: ctx.signal });
    }
  }
}
