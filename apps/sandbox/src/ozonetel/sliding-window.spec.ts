import { SlidingWindowLimiter } from './sliding-window';
import { TokenRegistry } from './token-registry';

describe('SlidingWindowLimiter', () => {
  const limit = { limit: 3, windowMs: 1000 };

  it('accepts exactly `limit` calls in any window and frees them one by one', () => {
    const limiter = new SlidingWindowLimiter(() => limit);
    expect([0, 100, 200, 300].map((t) => limiter.tryAcquire('acme', t))).toEqual([true, true, true, false]);
    expect(limiter.tryAcquire('acme', 999)).toBe(false);
    // The call at 0 leaves the window at 1000 exactly: the window is (now - windowMs, now].
    expect(limiter.tryAcquire('acme', 1000)).toBe(true);
    expect(limiter.tryAcquire('acme', 1050)).toBe(false);
    expect(limiter.tryAcquire('acme', 1100)).toBe(true);
  });

  it('does not count refused calls', () => {
    const limiter = new SlidingWindowLimiter(() => limit);
    [0, 1, 2].forEach((t) => limiter.tryAcquire('acme', t));
    for (let t = 3; t < 1000; t += 50) expect(limiter.tryAcquire('acme', t)).toBe(false);
    expect(limiter.tryAcquire('acme', 1000)).toBe(true);
  });

  it('keeps one window per key', () => {
    const limiter = new SlidingWindowLimiter(() => ({ limit: 1, windowMs: 1000 }));
    expect(limiter.tryAcquire('a', 0)).toBe(true);
    expect(limiter.tryAcquire('b', 0)).toBe(true);
    expect(limiter.tryAcquire('a', 1)).toBe(false);
  });
});

describe('TokenRegistry', () => {
  const policy = { ttlMs: 1000, maxPerHour: 2 };

  it('expires tokens after their lifetime', () => {
    const tokens = new TokenRegistry(() => policy);
    const token = tokens.issue('u', 0)!;
    expect(tokens.check(token, 'u', 999)).toBe('valid');
    expect(tokens.check(token, 'u', 1000)).toBe('expired');
    expect(tokens.check(token, 'other', 10)).toBe('otherUser');
    expect(tokens.check('nope', 'u', 10)).toBe('unknown');
  });

  it('replaces the previous token and caps generation per rolling hour', () => {
    const tokens = new TokenRegistry(() => policy);
    const first = tokens.issue('u', 0)!;
    const second = tokens.issue('u', 10)!;
    expect(tokens.check(first, 'u', 20)).toBe('expired');
    expect(tokens.check(second, 'u', 20)).toBe('valid');
    expect(tokens.issue('u', 30)).toBeUndefined();
    expect(tokens.issue('u', 3_600_000)).toBeDefined();
  });
});
