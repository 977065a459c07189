import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from './redis-connection';
import { GatewayError, IssuedToken, TokenCache, TokenRefreshOptions } from '@app/core';
import { integerPair, runScript } from './redis-script';
import { RedisKeyspace, TokenKeys } from './redis-keyspace';
import { storeCall } from './store-errors';
import { RELEASE_LOCK, RESERVE_GENERATION, STORE_TOKEN_IF_HOLDER } from './scripts/token-cache.scripts';

const HOUR_MS = 3_600_000;

export interface RedisTokenCacheOptions {
  /**
   * How long one caller may hold the generation lock. A generation must finish well within it (the
   * vendor call has its own, shorter timeout); a holder that dies frees the lock after it.
   */
  lockTtlMs?: number;
  /** How often a caller waiting for another one's generation looks for the new token. */
  pollMs?: number;
}

/**
 * One vendor token per key, shared by every replica. Only the holder of a Redis lock generates; the
 * others poll until the new token appears (or the lock is free for them), so one refresh costs one
 * generation however many replicas found the token stale at once.
 */
export class RedisTokenCache implements TokenCache {
  private readonly lockTtlMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: RedisKeyspace = new RedisKeyspace(),
    options: RedisTokenCacheOptions = {},
  ) {
    this.lockTtlMs = options.lockTtlMs ?? 15_000;
    this.pollMs = options.pollMs ?? 50;
  }

  async get(key: string): Promise<string | undefined> {
    return this.current(this.keyspace.token(key));
  }

  async refresh(
    key: string,
    stale: string | undefined,
    generate: () => Promise<IssuedToken>,
    options: TokenRefreshOptions,
  ): Promise<string> {
    const keys = this.keyspace.token(key);
    // A waiter normally gets the token or the lock within one lock TTL (a dead holder's lock expires);
    // the extra polls keep it from giving up just as the lock would have become its own.
    const giveUpAt = Date.now() + this.lockTtlMs + 4 * this.pollMs;
    for (;;) {
      const current = await this.current(keys);
      if (current !== undefined && current !== stale) return current;
      const lock = randomUUID();
      if (await this.tryLock(keys, lock)) {
        try {
          return await this.refreshAsHolder(keys, lock, stale, generate, options);
        } finally {
          // Failing to release only delays the next holder until the lock expires; the caller's
          // result (or its own error) matters more than this one.
          await this.releaseLock(keys, lock).catch(() => undefined);
        }
      }
      if (Date.now() >= giveUpAt) {
        throw new GatewayError(
          'provider_unavailable',
          'Another gateway process is taking too long to get a new provider token; nothing was sent',
          { transient: true, notProcessed: true },
        );
      }
      await sleep(this.pollMs);
    }
  }

  private async refreshAsHolder(
    keys: TokenKeys,
    lock: string,
    stale: string | undefined,
    generate: () => Promise<IssuedToken>,
    options: TokenRefreshOptions,
  ): Promise<string> {
    // The previous holder may have stored a new token between our look and our lock.
    const current = await this.current(keys);
    if (current !== undefined && current !== stale) return current;
    await this.reserveGeneration(keys, options.maxGenerationsPerHour);
    // The attempt is counted now, and stays counted when `generate` fails: the vendor may have counted
    // it too, and over-counting only makes the cap stricter. A failure stores nothing; the lock is
    // released by the caller.
    const issued = await generate();
    await this.store(keys, lock, issued).catch(() => {
      // The token is good even if the store could not keep it: hand it to this caller, and let the
      // others refresh again once the store is back.
    });
    return issued.token;
  }

  private async current(keys: TokenKeys): Promise<string | undefined> {
    const stored = await storeCall(() => this.redis.get(keys.token));
    const issued = stored === null ? undefined : parseIssuedToken(stored);
    return issued && issued.expiresAt > Date.now() ? issued.token : undefined;
  }

  private async tryLock(keys: TokenKeys, lock: string): Promise<boolean> {
    const reply = await storeCall(() => this.redis.set(keys.lock, lock, 'PX', this.lockTtlMs, 'NX'));
    return reply === 'OK';
  }

  private async releaseLock(keys: TokenKeys, lock: string): Promise<void> {
    await storeCall(() => runScript(this.redis, RELEASE_LOCK, [keys.lock], [lock]));
  }

  private async reserveGeneration(keys: TokenKeys, maxPerHour: number): Promise<void> {
    const reply = await storeCall(() =>
      runScript(this.redis, RESERVE_GENERATION, [keys.generations], [maxPerHour, HOUR_MS, randomUUID()]),
    );
    const [reserved, retryAfterMs] = integerPair(reply, RESERVE_GENERATION);
    if (reserved === 1) return;
    throw new GatewayError(
      'provider_rate_limited',
      `The provider allows ${maxPerHour} token generations an hour and they are spent`,
      { retryAfterSeconds: Math.ceil(retryAfterMs / 1000), notProcessed: true },
    );
  }

  /** Stores the token until it expires, unless our lock ran out meanwhile (then the next holder's wins). */
  private async store(keys: TokenKeys, lock: string, issued: IssuedToken): Promise<void> {
    const ttlMs = Math.floor(issued.expiresAt - Date.now());
    if (ttlMs <= 0) return;
    const json = JSON.stringify({ token: issued.token, expiresAt: issued.expiresAt });
    await storeCall(() =>
      runScript(this.redis, STORE_TOKEN_IF_HOLDER, [keys.token, keys.lock], [lock, json, ttlMs]),
    );
  }
}

/** A stored value that is not a token (written by hand, or by an older version) counts as none. */
function parseIssuedToken(stored: string): IssuedToken | undefined {
  try {
    const value = JSON.parse(stored) as Partial<IssuedToken>;
    return typeof value.token === 'string' && typeof value.expiresAt === 'number'
      ? { token: value.token, expiresAt: value.expiresAt }
      : undefined;
  } catch {
    return undefined;
  }
}
