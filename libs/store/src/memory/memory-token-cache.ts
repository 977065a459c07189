import { GatewayError, IssuedToken, TokenCache, TokenRefreshOptions } from '@app/core';

const HOUR_MS = 3_600_000;

interface Entry {
  token?: IssuedToken;
  generations: number[];
  /** The refresh in progress, so concurrent callers wait for it instead of generating again. */
  refreshing?: Promise<string>;
}

/** One process only: the in-memory twin of the Redis token cache. */
export class MemoryTokenCache implements TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | undefined> {
    return this.current(this.entries.get(key));
  }

  async refresh(
    key: string,
    stale: string | undefined,
    generate: () => Promise<IssuedToken>,
    options: TokenRefreshOptions,
  ): Promise<string> {
    const entry = this.entryOf(key);
    while (entry.refreshing) await entry.refreshing.catch(() => undefined);
    // From here to setting `refreshing` nothing awaits, so no other caller can slip in between.
    const current = this.current(entry);
    if (current !== undefined && current !== stale) return current;
    entry.refreshing = this.generate(entry, generate, options);
    try {
      return await entry.refreshing;
    } finally {
      entry.refreshing = undefined;
    }
  }

  private async generate(entry: Entry, generate: () => Promise<IssuedToken>, options: TokenRefreshOptions) {
    const now = this.now();
    entry.generations = entry.generations.filter((at) => at > now - HOUR_MS);
    if (entry.generations.length >= options.maxGenerationsPerHour) {
      const retryAfterMs = entry.generations[0] + HOUR_MS - now;
      throw new GatewayError(
        'provider_rate_limited',
        `The provider allows ${options.maxGenerationsPerHour} token generations an hour and they are spent`,
        { retryAfterSeconds: Math.ceil(retryAfterMs / 1000), notProcessed: true },
      );
    }
    entry.generations.push(now);
    entry.token = await generate();
    return entry.token.token;
  }

  private current(entry: Entry | undefined): string | undefined {
    const token = entry?.token;
    return token && token.expiresAt > this.now() ? token.token : undefined;
  }

  private entryOf(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { generations: [] };
      this.entries.set(key, entry);
    }
    return entry;
  }
}
