import { setTimeout as sleep } from 'node:timers/promises';
import { CallContext, GatewayError } from '@app/core';
import { BudgetGate } from './budget-gate';
import { MemoryRateLimiter } from './memory/memory-rate-limiter';

const ctx = (waitMs: number, priority: CallContext['priority'] = 'interactive'): CallContext => ({
  requestId: 'test',
  deadline: Date.now() + waitMs,
  priority,
});

describe('BudgetGate', () => {
  it('runs calls within the budget at once and makes the next wait for the window to slide', async () => {
    const gate = new BudgetGate(new MemoryRateLimiter(), { key: 'a', limit: { limit: 2, windowMs: 300 } });
    const started = Date.now();
    const stamps: number[] = [];
    for (let i = 0; i < 3; i++) await gate.run(ctx(2000), async () => stamps.push(Date.now() - started));
    expect(stamps[1]).toBeLessThan(100);
    expect(stamps[2]).toBeGreaterThanOrEqual(290);
  });

  it('gives up with provider_rate_limited, Retry-After and nothing sent when the deadline would pass', async () => {
    const gate = new BudgetGate(new MemoryRateLimiter(), {
      key: 'b',
      limit: { limit: 1, windowMs: 5000 },
      marginMs: 0,
    });
    await gate.run(ctx(100), async () => undefined);
    const send = jest.fn(async () => 'sent');
    const error = await gate.run(ctx(100), send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'provider_rate_limited', notProcessed: true, retryAfterSeconds: 5 });
    expect(send).not.toHaveBeenCalled();
  });

  it('pauses the account and sends again when the vendor says it is over its limit', async () => {
    const limiter = new MemoryRateLimiter();
    const gate = new BudgetGate(limiter, {
      key: 'c',
      limit: { limit: 10, windowMs: 1000 },
      vendorLimitPauseMs: 200,
    });
    let attempts = 0;
    const started = Date.now();
    const result = await gate.run(ctx(2000), async () => {
      attempts += 1;
      if (attempts === 1)
        throw new GatewayError('provider_rate_limited', 'vendor said no', { notProcessed: true });
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('keeps each grant for the window plus the margin', async () => {
    const gate = new BudgetGate(new MemoryRateLimiter(), {
      key: 'm',
      limit: { limit: 1, windowMs: 200 },
      marginMs: 150,
    });
    const started = Date.now();
    await gate.run(ctx(2000), async () => undefined);
    await gate.run(ctx(2000), async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(340);
  });

  it('does not retry other failures', async () => {
    const gate = new BudgetGate(new MemoryRateLimiter(), { key: 'd', limit: { limit: 10, windowMs: 1000 } });
    const send = jest.fn(async () => {
      throw new GatewayError('provider_timeout', 'slow');
    });
    await expect(gate.run(ctx(1000), send)).rejects.toMatchObject({ code: 'provider_timeout' });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('gives bulk work the whole window while no interactive call waits', async () => {
    const gate = new BudgetGate(new MemoryRateLimiter(), { key: 'e', limit: { limit: 10, windowMs: 5000 } });
    for (let i = 0; i < 10; i++) await gate.run(ctx(50, 'bulk'), async () => undefined);
    const error = await gate.run(ctx(50, 'bulk'), async () => undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider_rate_limited', notProcessed: true });
    // The exact wait, for the scheduler that moves the bulk work out of the way until then.
    expect((error as GatewayError).retryAfterMs).toBeGreaterThan(4000);
  });

  it('serves a waiting interactive call before bulk work when a grant frees', async () => {
    const limiter = new MemoryRateLimiter();
    const gate = new BudgetGate(limiter, { key: 'f', limit: { limit: 2, windowMs: 300 }, marginMs: 0 });
    await gate.run(ctx(50, 'bulk'), async () => undefined);
    await gate.run(ctx(50, 'bulk'), async () => undefined);
    const order: string[] = [];
    const interactive = gate.run(ctx(2000), async () => order.push('interactive'));
    // Bulk asks in a tight loop while the interactive call waits; it gets only what the call leaves.
    const bulk = (async () => {
      for (let i = 0; i < 2; i++) await gate.run(ctx(2000, 'bulk'), async () => order.push('bulk'));
    })();
    await Promise.all([interactive, bulk]);
    expect(order[0]).toBe('interactive');
  });

  it('tells its observer about grants by priority and interactive calls waiting', async () => {
    const events: string[] = [];
    const gate = new BudgetGate(new MemoryRateLimiter(), {
      key: 'g',
      limit: { limit: 1, windowMs: 200 },
      marginMs: 0,
      observer: {
        granted: (priority) => events.push(`granted ${priority}`),
        waiting: (delta) => events.push(`waiting ${delta}`),
      },
    });
    await gate.run(ctx(50, 'bulk'), async () => undefined);
    await gate.run(ctx(1000), async () => undefined);
    expect(events).toEqual(['granted bulk', 'waiting 1', 'granted interactive', 'waiting -1']);
  });

  it('calls beforeSend after the grant and sends nothing when it throws', async () => {
    const gate = new BudgetGate(new MemoryRateLimiter(), { key: 'h', limit: { limit: 5, windowMs: 1000 } });
    const send = jest.fn(async () => 'sent');
    const refused = new Error('not the holder any more');
    await expect(
      gate.run({ ...ctx(100, 'bulk'), beforeSend: async () => Promise.reject(refused) }, send),
    ).rejects.toBe(refused);
    expect(send).not.toHaveBeenCalled();
    const hook = jest.fn(async () => undefined);
    await expect(gate.run({ ...ctx(100, 'bulk'), beforeSend: hook }, send)).resolves.toBe('sent');
    expect(hook).toHaveBeenCalledTimes(1);
  });

  it('holds a grant answered later than half the margin from its answer, a fast one from its grant', async () => {
    const limiter = new MemoryRateLimiter();
    const gate = new BudgetGate(limiter, { key: 'r', limit: { limit: 1, windowMs: 300 }, marginMs: 100 });
    const slow = Date.now();
    await gate.run(ctx(50), async () => sleep(200));
    const afterSlow = await limiter.tryAcquire(
      'r',
      { limit: 1, windowMs: 400 },
      { priority: 'interactive', id: 'x' },
      {
        spacingMs: 300,
        interactiveShare: 0,
        leaseMs: 1000,
      },
    );
    // Held from the answer (~200 ms after the grant): it frees ~400 ms after the answer, not the grant.
    expect(afterSlow.granted).toBe(false);
    if (!afterSlow.granted) expect(Date.now() + afterSlow.retryAfterMs - slow).toBeGreaterThan(550);

    const fastLimiter = new MemoryRateLimiter();
    const fast = new BudgetGate(fastLimiter, { key: 'f', limit: { limit: 1, windowMs: 300 }, marginMs: 100 });
    const started = Date.now();
    await fast.run(ctx(50), async () => undefined);
    const afterFast = await fastLimiter.tryAcquire(
      'f',
      { limit: 1, windowMs: 400 },
      { priority: 'interactive', id: 'y' },
      {
        spacingMs: 300,
        interactiveShare: 0,
        leaseMs: 1000,
      },
    );
    expect(afterFast.granted).toBe(false);
    if (!afterFast.granted) expect(Date.now() + afterFast.retryAfterMs - started).toBeLessThan(450);
  });

  it('with exclusive, sends one call at a time across gates sharing the key, and frees the lease after', async () => {
    const limiter = new MemoryRateLimiter();
    const options = { key: 'x', limit: { limit: 10, windowMs: 1000 }, exclusive: { leaseMs: 5000 } };
    const [one, two] = [new BudgetGate(limiter, options), new BudgetGate(limiter, options)];
    let inFlight = 0;
    let most = 0;
    const call = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 120));
      inFlight--;
    };
    await Promise.all([one.run(ctx(2000), call), two.run(ctx(2000), call), one.run(ctx(2000), call)]);
    expect(most).toBe(1);
    // A failed call gives the lease back too.
    await expect(one.run(ctx(100), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.lease('x', 'someone', 100)).toBe(true);
  });

  it('with exclusive, refuses as rate limited (nothing sent) when the lease stays taken past the deadline', async () => {
    const limiter = new MemoryRateLimiter();
    const gate = new BudgetGate(limiter, {
      key: 'y',
      limit: { limit: 10, windowMs: 1000 },
      exclusive: { leaseMs: 5000 },
    });
    await limiter.lease('y', 'another replica', 5000);
    const send = jest.fn(async () => 'sent');
    const error = await gate.run(ctx(150), send).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider_rate_limited', notProcessed: true });
    expect(send).not.toHaveBeenCalled();
  });
});
