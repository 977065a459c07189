import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../ports/idempotency-store';

let keySeq = 0;
const freshKey = () => `idem-contract-${process.pid}-${Date.now()}-${keySeq++}`;

/** Leases and retentions are short real times; the margins around them suit a loaded 2-core CI machine. */
const LEASE_MS = 400;
const RETENTION_MS = 60_000;

const answer = (body: string): StoredResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/operations/op-1' },
  body,
});

function tokenOf(claim: IdempotencyClaim): string {
  if (claim.outcome !== 'claimed') throw new Error(`expected a claim, got ${JSON.stringify(claim)}`);
  return claim.token;
}

/** The behaviour every IdempotencyStore must have, run against each implementation. */
export function describeIdempotencyStoreContract(
  name: string,
  create: () => Promise<IdempotencyStore> | IdempotencyStore,
): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let store: IdempotencyStore;
    beforeAll(async () => {
      store = await create();
    });

    it('lets the first request claim a fresh key', async () => {
      const claim = await store.claim(freshKey(), 'fp-a', LEASE_MS);
      expect(claim.outcome).toBe('claimed');
      expect(tokenOf(claim)).toMatch(/\S/);
    });

    it('answers a retry while the first still runs with in_progress and the time left of its lease', async () => {
      const key = freshKey();
      tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      const again = await store.claim(key, 'fp-a', LEASE_MS);
      expect(again.outcome).toBe('in_progress');
      if (again.outcome !== 'in_progress') return;
      expect(again.retryAfterMs).toBeGreaterThan(0);
      expect(again.retryAfterMs).toBeLessThanOrEqual(LEASE_MS);
    });

    it('refuses the key for another request, while running and after completion', async () => {
      const key = freshKey();
      const token = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      expect(await store.claim(key, 'fp-b', LEASE_MS)).toEqual({ outcome: 'mismatch' });
      expect(await store.complete(key, token, answer('{"a":1}'), RETENTION_MS)).toBe(true);
      expect(await store.claim(key, 'fp-b', LEASE_MS)).toEqual({ outcome: 'mismatch' });
    });

    it('replays the exact completed answer, as often as asked', async () => {
      const key = freshKey();
      const token = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      const response = answer('{"campaignId":"1002","state":"paused","note":"ünïcode ✓"}');
      expect(await store.complete(key, token, response, RETENTION_MS)).toBe(true);
      expect(await store.claim(key, 'fp-a', LEASE_MS)).toEqual({ outcome: 'replay', response });
      expect(await store.claim(key, 'fp-a', LEASE_MS)).toEqual({ outcome: 'replay', response });
    });

    it('completes a claim only once, and a completed claim renews no more', async () => {
      const key = freshKey();
      const token = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      expect(await store.complete(key, token, answer('first'), RETENTION_MS)).toBe(true);
      expect(await store.complete(key, token, answer('second'), RETENTION_MS)).toBe(false);
      expect(await store.renew(key, token, LEASE_MS)).toBe(false);
      expect(await store.claim(key, 'fp-a', LEASE_MS)).toEqual({
        outcome: 'replay',
        response: answer('first'),
      });
    });

    it('frees the key once a lease runs out without renewal, for another claimant', async () => {
      const key = freshKey();
      const lost = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      await sleep(LEASE_MS + 200);
      const next = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      expect(next).not.toBe(lost);
    });

    it('refuses to complete with a lost claim, and overwrites nothing', async () => {
      const key = freshKey();
      const lost = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      await sleep(LEASE_MS + 200);
      const next = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      expect(await store.complete(key, lost, answer('from the lost claim'), RETENTION_MS)).toBe(false);
      // The successor still holds the key and finishes normally.
      expect((await store.claim(key, 'fp-a', LEASE_MS)).outcome).toBe('in_progress');
      expect(await store.complete(key, next, answer('from the successor'), RETENTION_MS)).toBe(true);
      expect(await store.complete(key, lost, answer('from the lost claim'), RETENTION_MS)).toBe(false);
      expect(await store.claim(key, 'fp-a', LEASE_MS)).toEqual({
        outcome: 'replay',
        response: answer('from the successor'),
      });
    });

    it('keeps the key while the holder renews its lease', async () => {
      const key = freshKey();
      const token = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      // Renewing every third of a lease, well past where the first lease ended.
      for (let i = 0; i < 4; i++) {
        await sleep(LEASE_MS / 3);
        expect(await store.renew(key, token, LEASE_MS)).toBe(true);
      }
      expect((await store.claim(key, 'fp-a', LEASE_MS)).outcome).toBe('in_progress');
      expect(await store.complete(key, token, answer('done'), RETENTION_MS)).toBe(true);
    });

    it('refuses a renewal with a wrong token, without extending the lease', async () => {
      const key = freshKey();
      tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      expect(await store.renew(key, 'not-the-token', 60_000)).toBe(false);
      await sleep(LEASE_MS + 200);
      expect((await store.claim(key, 'fp-a', LEASE_MS)).outcome).toBe('claimed');
    });

    it('frees the key on release by the holder, but not on release with another token', async () => {
      const key = freshKey();
      const token = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      await store.release(key, 'not-the-token');
      expect((await store.claim(key, 'fp-a', LEASE_MS)).outcome).toBe('in_progress');
      await store.release(key, token);
      // Released: even another request may now use the key.
      expect((await store.claim(key, 'fp-b', LEASE_MS)).outcome).toBe('claimed');
    });

    it('forgets a completed answer after the retention time', async () => {
      const key = freshKey();
      const token = tokenOf(await store.claim(key, 'fp-a', LEASE_MS));
      expect(await store.complete(key, token, answer('short-lived'), 300)).toBe(true);
      expect((await store.claim(key, 'fp-a', LEASE_MS)).outcome).toBe('replay');
      await sleep(500);
      expect((await store.claim(key, 'fp-b', LEASE_MS)).outcome).toBe('claimed');
    });

    it('lets exactly one of 50 concurrent claimants run', async () => {
      const key = freshKey();
      const claims = await Promise.all(Array.from({ length: 50 }, () => store.claim(key, 'fp-a', 5000)));
      expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.outcome === 'in_progress')).toHaveLength(49);
    });

    it('keeps keys apart', async () => {
      const [a, b] = [freshKey(), freshKey()];
      tokenOf(await store.claim(a, 'fp-a', LEASE_MS));
      expect((await store.claim(b, 'fp-b', LEASE_MS)).outcome).toBe('claimed');
    });
  });
}
