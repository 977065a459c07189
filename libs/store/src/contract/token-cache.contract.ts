import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError, IssuedToken, TokenCache } from '@app/core';

let keySeq = 0;
const freshKey = () => `token-contract-${process.pid}-${Date.now()}-${keySeq++}`;

/** A generator that counts its calls and issues distinct tokens. */
function generator(ttlMs = 60_000, delayMs = 0) {
  let count = 0;
  const generate = async (): Promise<IssuedToken> => {
    count += 1;
    if (delayMs) await sleep(delayMs);
    return { token: `token-${count}-${Math.random().toString(36).slice(2)}`, expiresAt: Date.now() + ttlMs };
  };
  return { generate, count: () => count };
}

const CAP = { maxGenerationsPerHour: 10 };

export function describeTokenCacheContract(
  name: string,
  create: () => Promise<TokenCache> | TokenCache,
): void {
  describe(`TokenCache contract: ${name}`, () => {
    let cache: TokenCache;
    beforeAll(async () => {
      cache = await create();
    });

    it('has nothing at first, then shares what one refresh generated', async () => {
      const key = freshKey();
      const gen = generator();
      expect(await cache.get(key)).toBeUndefined();
      const token = await cache.refresh(key, undefined, gen.generate, CAP);
      expect(await cache.get(key)).toBe(token);
      expect(gen.count()).toBe(1);
    });

    it('replaces a stale token, but takes a token someone else already replaced it with', async () => {
      const key = freshKey();
      const gen = generator();
      const first = await cache.refresh(key, undefined, gen.generate, CAP);
      const second = await cache.refresh(key, first, gen.generate, CAP);
      expect(second).not.toBe(first);
      // A caller still holding `first` finds `second` and must not generate a third.
      expect(await cache.refresh(key, first, gen.generate, CAP)).toBe(second);
      expect(gen.count()).toBe(2);
    });

    it('lets only one of many concurrent refreshers generate', async () => {
      const key = freshKey();
      const gen = generator(60_000, 100);
      const tokens = await Promise.all(
        Array.from({ length: 10 }, () => cache.refresh(key, undefined, gen.generate, CAP)),
      );
      expect(new Set(tokens).size).toBe(1);
      expect(gen.count()).toBe(1);
    });

    it('forgets an expired token', async () => {
      const key = freshKey();
      const gen = generator(150);
      await cache.refresh(key, undefined, gen.generate, CAP);
      await sleep(250);
      expect(await cache.get(key)).toBeUndefined();
    });

    it('refuses to generate past the hourly cap, with provider_rate_limited and a Retry-After', async () => {
      const key = freshKey();
      const gen = generator();
      let token = await cache.refresh(key, undefined, gen.generate, { maxGenerationsPerHour: 2 });
      token = await cache.refresh(key, token, gen.generate, { maxGenerationsPerHour: 2 });
      const refused = await cache
        .refresh(key, token, gen.generate, { maxGenerationsPerHour: 2 })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GatewayError);
      expect((refused as GatewayError).code).toBe('provider_rate_limited');
      expect((refused as GatewayError).retryAfterSeconds).toBeGreaterThan(3000);
      expect(gen.count()).toBe(2);
    });

    it('does not count a failed generation as a token', async () => {
      const key = freshKey();
      const failing = async (): Promise<IssuedToken> => {
        throw new GatewayError('provider_auth_failed', 'refused');
      };
      await expect(cache.refresh(key, undefined, failing, CAP)).rejects.toMatchObject({
        code: 'provider_auth_failed',
      });
      expect(await cache.get(key)).toBeUndefined();
      const gen = generator();
      await expect(cache.refresh(key, undefined, gen.generate, CAP)).resolves.toMatch(/^token-1-/);
    });
  });
}
