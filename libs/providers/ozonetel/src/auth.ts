import { GatewayError, isGatewayError, IssuedToken, TokenCache } from '@app/core';
import { OZONETEL_MAX_TOKEN_GENERATIONS_PER_HOUR, OZONETEL_PROVIDER_NAME } from './descriptor';

/** Ozonetel tokens live 60 minutes; caching for less leaves room for clock skew and slow calls. */
export const OZONETEL_TOKEN_CACHE_MS = 55 * 60_000;

/** One key per configured account, so every replica (and every adapter instance) shares one token. */
export function ozonetelTokenCacheKey(accountId: string): string {
  return `ozonetel:${accountId}`;
}

/**
 * The account's bearer token, kept in the shared cache. Generating a token invalidates the previous
 * one at the vendor, so generation only ever happens through the cache's single-flight `refresh`.
 */
export class OzonetelTokenProvider<Ctx> {
  /** Errors raised by the vendor call itself, as opposed to the cache refusing to generate. */
  private readonly fromVendorCall = new WeakSet<object>();

  constructor(
    private readonly cache: TokenCache,
    private readonly key: string,
    /** Asks the vendor for a token; returns the token text. */
    private readonly requestToken: (ctx: Ctx) => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached token, or a new one when none is cached. */
  async current(ctx: Ctx): Promise<string> {
    return (await this.cache.get(this.key)) ?? this.refresh(ctx, undefined);
  }

  /**
   * A token other than `stale`: the one another caller or replica already generated when there is one,
   * else a newly generated one.
   */
  async replace(ctx: Ctx, stale: string): Promise<string> {
    return this.refresh(ctx, stale);
  }

  private async refresh(ctx: Ctx, stale: string | undefined): Promise<string> {
    try {
      return await this.cache.refresh(this.key, stale, () => this.generate(ctx), {
        maxGenerationsPerHour: OZONETEL_MAX_TOKEN_GENERATIONS_PER_HOUR,
      });
    } catch (error) {
      throw this.capError(error) ?? error;
    }
  }

  private async generate(ctx: Ctx): Promise<IssuedToken> {
    try {
      const token = await this.requestToken(ctx);
      return { token, expiresAt: this.now() + OZONETEL_TOKEN_CACHE_MS };
    } catch (error) {
      if (typeof error === 'object' && error !== null) this.fromVendorCall.add(error);
      throw error;
    }
  }

  /** The cache reports a spent hourly cap without naming the vendor; say whose cap it is. */
  private capError(error: unknown): GatewayError | undefined {
    if (!isGatewayError(error) || error.code !== 'provider_rate_limited') return undefined;
    // The gate's own "no budget in time" and the vendor's over-limit answer pass through untouched.
    if (this.fromVendorCall.has(error)) return undefined;
    return new GatewayError(
      'provider_rate_limited',
      `Ozonetel allows ${OZONETEL_MAX_TOKEN_GENERATIONS_PER_HOUR} access tokens an hour for this account and they are spent; nothing was sent`,
      {
        provider: { name: OZONETEL_PROVIDER_NAME },
        notProcessed: error.notProcessed,
        ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        cause: error,
      },
    );
  }
}
