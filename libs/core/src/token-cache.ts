/**
 * The port for a vendor's access tokens, next to the provider port: adapters that need tokens take a
 * TokenCache from the gateway and import no store module; libs/store implements it (memory, Redis).
 */
export interface IssuedToken {
  token: string;
  /** Epoch ms after which the vendor no longer takes it. */
  expiresAt: number;
}

export interface TokenRefreshOptions {
  /** The vendor's cap on generations per rolling hour, shared by every replica. */
  maxGenerationsPerHour: number;
}

/**
 * One vendor token per account, shared by every replica. Generating a token may invalidate the previous
 * one at the vendor, so only one caller may generate at a time, and a caller that found its token stale
 * takes the one another caller already generated instead of generating again.
 */
export interface TokenCache {
  get(key: string): Promise<string | undefined>;
  /**
   * Returns a fresh token: the cached one when it differs from `stale` and has not expired, else a newly
   * generated one. Throws `provider_rate_limited` when the hourly cap is spent.
   */
  refresh(
    key: string,
    stale: string | undefined,
    generate: () => Promise<IssuedToken>,
    options: TokenRefreshOptions,
  ): Promise<string>;
}
