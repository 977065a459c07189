import { describeIdempotencyStoreContract } from '../contract/idempotency-store.contract';
import { describeOperationStoreContract } from '../contract/operation-store.contract';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract';
import { describeTokenCacheContract } from '../contract/token-cache.contract';
import { MemoryIdempotencyStore } from './memory-idempotency-store';
import { MemoryOperationStore } from './memory-operation-store';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { MemoryTokenCache } from './memory-token-cache';

describeRateLimiterContract('memory', () => new MemoryRateLimiter());
describeTokenCacheContract('memory', () => new MemoryTokenCache());
describeIdempotencyStoreContract('memory', () => new MemoryIdempotencyStore());
describeOperationStoreContract('memory', () => new MemoryOperationStore());

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

describe('MemoryOperationStore housekeeping', () => {
  const operation = (id: string) => ({
    id,
    clientId: 'client',
    accountId: 'acct',
    campaignId: 'c',
    selection: {},
    chunkSize: 2,
  });

  it('expires by its clock, and drops expired operations nobody asks about again', async () => {
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const store = new MemoryOperationStore(() => now);
    const created = await store.create(operation('abandoned'), ['1', '2', '3'], 1000);
    expect(created.createdAt).toBe('2026-01-01T00:00:00.000Z');
    now += 999;
    expect(await store.get('abandoned')).toBeDefined();
    now += 120_000;
    await store.create(operation('other'), ['1'], 1000);
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect([...entries.keys()]).toEqual(['other']);
    expect(await store.queueOf('acct')).toEqual({ total: 1, operations: [{ id: 'other', remaining: 1 }] });
  });

  it('keeps its own copies: callers changing what they passed or got change nothing stored', async () => {
    const store = new MemoryOperationStore();
    const numbers = ['1', '2'];
    const selection = { contactName: 'Asha' };
    const got = await store.create({ ...operation('copied'), selection }, numbers, 60_000);
    numbers[0] = 'changed';
    selection.contactName = 'changed';
    got.progress.processed = 99;
    expect(await store.chunk('copied', 0)).toEqual([
      { index: 0, phoneNumber: '1' },
      { index: 1, phoneNumber: '2' },
    ]);
    expect(await store.get('copied')).toMatchObject({
      selection: { contactName: 'Asha' },
      progress: { processed: 0 },
    });
  });
});
