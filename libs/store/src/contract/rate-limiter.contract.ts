import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiter } from '../ports/rate-limiter';

let keySeq = 0;
const freshKey = () => `contract-${process.pid}-${Date.now()}-${keySeq++}`;

/**
 * The behaviour every RateLimiter must have, run against each implementation. Windows are short real
 * time spans, with margins wide enough for a loaded CI machine.
 */
export function describeRateLimiterContract(
  name: string,
  create: () => Promise<RateLimiter> | RateLimiter,
): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let limiter: RateLimiter;
    beforeAll(async () => {
      limiter = await create();
    });

    it('grants `limit` calls in a window and refuses the next with the wait until the oldest grant leaves', async () => {
      const key = freshKey();
      const limit = { limit: 3, windowMs: 400 };
      const grants = [];
      for (let i = 0; i < 3; i++) grants.push(await limiter.tryAcquire(key, limit));
      expect(grants).toEqual([{ granted: true }, { granted: true }, { granted: true }]);
      const refused = await limiter.tryAcquire(key, limit);
      expect(refused.granted).toBe(false);
      if (refused.granted) return;
      expect(refused.retryAfterMs).toBeGreaterThan(200);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(400);
    });

    it('grants again once the reported wait has passed', async () => {
      const key = freshKey();
      const limit = { limit: 2, windowMs: 300 };
      await limiter.tryAcquire(key, limit);
      await limiter.tryAcquire(key, limit);
      const refused = await limiter.tryAcquire(key, limit);
      expect(refused.granted).toBe(false);
      await sleep(refused.granted ? 0 : refused.retryAfterMs + 20);
      expect(await limiter.tryAcquire(key, limit)).toEqual({ granted: true });
    });

    it('slides: a grant frees exactly one window after it was given, not at a fixed boundary', async () => {
      const key = freshKey();
      const limit = { limit: 2, windowMs: 600 };
      await limiter.tryAcquire(key, limit);
      await sleep(300);
      await limiter.tryAcquire(key, limit);
      const refused = await limiter.tryAcquire(key, limit);
      // The first grant leaves ~300 ms from now; the second one ~600 ms from now.
      expect(refused.granted).toBe(false);
      if (refused.granted) return;
      expect(refused.retryAfterMs).toBeLessThanOrEqual(320);
      await sleep(refused.retryAfterMs + 20);
      expect(await limiter.tryAcquire(key, limit)).toEqual({ granted: true });
      expect((await limiter.tryAcquire(key, limit)).granted).toBe(false);
    });

    it('never grants more than the limit to concurrent callers', async () => {
      const key = freshKey();
      const limit = { limit: 5, windowMs: 5000 };
      const results = await Promise.all(Array.from({ length: 40 }, () => limiter.tryAcquire(key, limit)));
      expect(results.filter((r) => r.granted)).toHaveLength(5);
    });

    it('keeps a ceiling: capped callers leave the rest of the window to others', async () => {
      const key = freshKey();
      const limit = { limit: 4, windowMs: 5000 };
      expect(await limiter.tryAcquire(key, limit, 2)).toEqual({ granted: true });
      expect(await limiter.tryAcquire(key, limit, 2)).toEqual({ granted: true });
      expect((await limiter.tryAcquire(key, limit, 2)).granted).toBe(false);
      expect(await limiter.tryAcquire(key, limit)).toEqual({ granted: true });
      expect(await limiter.tryAcquire(key, limit)).toEqual({ granted: true });
      expect((await limiter.tryAcquire(key, limit)).granted).toBe(false);
    });

    it('refuses everything while paused, and says for how long', async () => {
      const key = freshKey();
      const limit = { limit: 100, windowMs: 1000 };
      await limiter.pause(key, 300);
      const refused = await limiter.tryAcquire(key, limit);
      expect(refused.granted).toBe(false);
      if (refused.granted) return;
      expect(refused.retryAfterMs).toBeGreaterThan(200);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
      await sleep(refused.retryAfterMs + 20);
      expect(await limiter.tryAcquire(key, limit)).toEqual({ granted: true });
    });

    it('keeps keys apart', async () => {
      const [a, b] = [freshKey(), freshKey()];
      const limit = { limit: 1, windowMs: 5000 };
      expect(await limiter.tryAcquire(a, limit)).toEqual({ granted: true });
      expect(await limiter.tryAcquire(b, limit)).toEqual({ granted: true });
      expect((await limiter.tryAcquire(a, limit)).granted).toBe(false);
    });
  });
}
