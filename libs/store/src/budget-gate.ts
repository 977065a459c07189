import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { CallContext, GatewayError, RateLimit, VendorCallGate } from '@app/core';
import { DEFAULT_SHARING, GrantRequest, RateLimiter, SharingPolicy } from './ports/rate-limiter';

export type GrantPriority = 'interactive' | 'bulk';

/** What the gate tells whoever watches the account's budget (metrics). */
export interface BudgetGateObserver {
  granted(priority: GrantPriority): void;
  /** +1 when an interactive call starts waiting for a grant, -1 when it stops. */
  waiting(delta: 1 | -1): void;
}

export interface BudgetGateOptions {
  /** Limiter key of the vendor account; every replica must use the same one. */
  key: string;
  limit: RateLimit;
  /** Share of the window bulk work leaves free while interactive calls were seen in the last window. */
  interactiveShare?: number;
  /** How long a refused caller stays registered as waiting beyond the wait it was told. */
  leaseMs?: number;
  /** How long the account pauses after the vendor says it is over its limit; defaults to one window. */
  vendorLimitPauseMs?: number;
  /**
   * Extra time each grant stays in the window. The vendor counts arrivals, the limiter counts grants:
   * without a margin, a request that travels a little slower than the next one can put limit + 1
   * arrivals into one of the vendor's windows. Defaults to 1 % of the window, at least 100 ms, at most 1 s.
   */
  marginMs?: number;
  observer?: BudgetGateObserver;
  /**
   * One call at a time on this key, from every replica (a vendor that refuses a new request while one
   * is processed): each call takes the key's lease before its grant and gives it back after the answer.
   * The lease lapses after `leaseMs` should its holder die; make it outlast the vendor's timeout.
   */
  exclusive?: { leaseMs: number };
}

const tracer = trace.getTracer('campaign-gateway/budget');

/** How often a call waiting for the exclusive lease looks again. */
const LEASE_POLL_MS = 50;

export function defaultMarginMs(windowMs: number): number {
  return Math.min(1000, Math.max(100, Math.ceil(windowMs / 100)));
}

/**
 * The vendor-neutral gate every vendor call passes: it takes a grant from the shared limiter before
 * the call, waits (without polling hard) for the earliest grant the limiter reports, and gives up with
 * `provider_rate_limited` once the caller's deadline would pass. Interactive calls come first; bulk
 * calls take what no interactive call waits for, their tenants in turn.
 */
export class BudgetGate implements VendorCallGate {
  /** The configured budget with the margin added to its window. */
  private readonly window: RateLimit;
  private readonly policy: SharingPolicy;
  private readonly marginMs: number;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly options: BudgetGateOptions,
  ) {
    const { limit } = options;
    this.marginMs = options.marginMs ?? defaultMarginMs(limit.windowMs);
    this.window = { limit: limit.limit, windowMs: limit.windowMs + this.marginMs };
    this.policy = {
      spacingMs: limit.windowMs / limit.limit,
      interactiveShare: options.interactiveShare ?? DEFAULT_SHARING.interactiveShare,
      leaseMs: options.leaseMs ?? DEFAULT_SHARING.leaseMs,
    };
  }

  async run<T>(ctx: CallContext, call: () => Promise<T>): Promise<T> {
    const { exclusive } = this.options;
    if (!exclusive) return this.send(ctx, call);
    const holder = randomUUID();
    await this.takeLease(ctx, holder, exclusive.leaseMs);
    try {
      return await this.send(ctx, call);
    } finally {
      await this.limiter.release(this.options.key, holder).catch(() => undefined);
    }
  }

  /** Waits for the lease while the deadline allows; past it, the call is refused as over budget. */
  private async takeLease(ctx: CallContext, holder: string, leaseMs: number): Promise<void> {
    for (;;) {
      if (await this.limiter.lease(this.options.key, holder, leaseMs)) return;
      if (Date.now() + LEASE_POLL_MS > ctx.deadline) throw this.busy();
      await sleep(LEASE_POLL_MS, undefined, { signal: ctx.signal });
    }
  }

  private async send<T>(ctx: CallContext, call: () => Promise<T>): Promise<T> {
    for (;;) {
      const grant = await this.acquireTraced(ctx);
      await ctx.beforeSend?.();
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
      } finally {
        await this.holdFromAnswer(grant);
      }
    }
  }

  /**
   * The vendor counts a call when it arrives, somewhere between the grant and the answer. The window
   * holds the grant from the grant plus the margin, which covers a call that arrived within the
   * margin; one answered later (a slow send, a busy process, a queue at the vendor) may have arrived
   * later too, so its grant is moved to the answer, and is held a whole window from a moment the
   * vendor had certainly counted it by. A call never outlives a window in flight (timeouts are shorter),
   * so until then the grant still counts.
   */
  private async holdFromAnswer(grant: { id: string; at: number }): Promise<void> {
    if (Date.now() - grant.at <= this.marginMs / 2) return;
    await this.limiter.restamp(this.options.key, grant.id).catch(() => undefined);
  }

  /** `acquire` in a `budget wait` span: how long the call waited for the account's budget. */
  private acquireTraced(ctx: CallContext): Promise<{ id: string; at: number }> {
    const attributes = {
      'gateway.account': this.options.key,
      'gateway.priority': ctx.priority ?? 'interactive',
    };
    return tracer.startActiveSpan('budget wait', { attributes }, async (span) => {
      const started = Date.now();
      try {
        return await this.acquire(ctx);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code });
        throw error;
      } finally {
        span.setAttribute('gateway.budget.waited_ms', Date.now() - started);
        span.end();
      }
    });
  }

  /** Takes a grant; says its id and when it was had, on this process's clock. */
  private async acquire(ctx: CallContext): Promise<{ id: string; at: number }> {
    const priority: GrantPriority = ctx.priority ?? 'interactive';
    const request: GrantRequest =
      priority === 'interactive'
        ? { priority, id: randomUUID() }
        : { priority, id: randomUUID(), tenant: ctx.tenant ?? '' };
    let waiting = false;
    let granted = false;
    try {
      for (;;) {
        const result = await this.limiter.tryAcquire(this.options.key, this.window, request, this.policy);
        if (result.granted) {
          granted = true;
          this.options.observer?.granted(priority);
          return { id: request.id, at: Date.now() };
        }
        if (!waiting && request.priority === 'interactive') {
          waiting = true;
          this.options.observer?.waiting(1);
        }
        if (Date.now() + result.retryAfterMs > ctx.deadline) throw this.spent(result.retryAfterMs);
        await sleep(result.retryAfterMs, undefined, { signal: ctx.signal });
      }
    } finally {
      if (waiting) {
        this.options.observer?.waiting(-1);
        // A call that gives up (deadline, abort) frees its place at once instead of when its lease lapses.
        if (!granted && request.priority === 'interactive') await this.withdraw(request.id);
      }
    }
  }

  /** Best effort: a waiter left registered lapses with its lease anyway. */
  private async withdraw(waiterId: string): Promise<void> {
    await this.limiter.withdraw(this.options.key, waiterId).catch(() => undefined);
  }

  private busy(): GatewayError {
    return new GatewayError(
      'provider_rate_limited',
      'The provider is still processing the previous request of this kind for this account; nothing was sent',
      { retryAfterSeconds: 1, retryAfterMs: LEASE_POLL_MS * 4, notProcessed: true },
    );
  }

  private spent(retryAfterMs: number): GatewayError {
    const { limit } = this.options;
    return new GatewayError(
      'provider_rate_limited',
      `The provider's rate budget for this account (${limit.limit} per ${limit.windowMs} ms) is spent; nothing was sent`,
      {
        retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
        retryAfterMs,
        notProcessed: true,
      },
    );
  }
}
