import { describeIdempotencyStoreContract } from '../contract/idempotency-store.contract';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract';
import { describeTokenCacheContract } from '../contract/token-cache.contract';
import { MemoryIdempotencyStore } from './memory-idempotency-store';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { MemoryTokenCache } from './memory-token-cache';

describeRateLimiterContract('memory', () => new MemoryRateLimiter());
describeTokenCacheContract('memory', () => new MemoryTokenCache());
describeIdempotencyStoreContract('memory', () => new MemoryIdempotencyStore());

describe('MemoryIdempotencyStore housekeeping', () => {
  it('drops expired records nobody asks about again', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore(() => now);
    await store.claim('abandoned', 'fp', 1000);
    now = 120_000;
    await store.claim('other', 'fp', 1000);
    const records = (store as unknown as { records: Map<string, unknown> }).records;
    expect([...records.keys()]).toEqual(['other']);
  });
});
