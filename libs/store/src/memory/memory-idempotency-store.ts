import { randomUUID } from 'node:crypto';
import { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../ports/idempotency-store';

interface IdempotencyRecord {
  state: 'running' | 'done';
  fingerprint: string;
  token: string;
  response?: StoredResponse;
  /** The lease's end while running, the retention's end once done. */
  expiresAt: number;
}

/** How often a claim also drops records nobody asked about since they expired. */
const SWEEP_EVERY_MS = 60_000;

/** One process only: the in-memory twin of the Redis idempotency store, with the same rules. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  async claim(key: string, fingerprint: string, leaseMs: number): Promise<IdempotencyClaim> {
    this.sweepNowAndThen();
    const record = this.live(key);
    if (!record) {
      const token = randomUUID();
      this.records.set(key, { state: 'running', fingerprint, token, expiresAt: this.now() + leaseMs });
      return { outcome: 'claimed', token };
    }
    if (record.fingerprint !== fingerprint) return { outcome: 'mismatch' };
    if (record.state === 'done' && record.response)
      return { outcome: 'replay', response: structuredClone(record.response) };
    return { outcome: 'in_progress', retryAfterMs: Math.max(1, Math.ceil(record.expiresAt - this.now())) };
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const record = this.heldBy(key, token);
    if (!record) return false;
    record.expiresAt = this.now() + leaseMs;
    return true;
  }

  async complete(
    key: string,
    token: string,
    response: StoredResponse,
    retentionMs: number,
  ): Promise<boolean> {
    const record = this.heldBy(key, token);
    if (!record) return false;
    // A copy, so a caller changing its object afterwards cannot change what is replayed.
    record.response = structuredClone(response);
    record.state = 'done';
    record.expiresAt = this.now() + retentionMs;
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.live(key)?.token === token) this.records.delete(key);
  }

  /** The running record `token` holds, if its lease has not run out. */
  private heldBy(key: string, token: string): IdempotencyRecord | undefined {
    const record = this.live(key);
    return record?.state === 'running' && record.token === token ? record : undefined;
  }

  /** The key's record unless it expired (then it is dropped: expiry is lazy, as reads find it). */
  private live(key: string): IdempotencyRecord | undefined {
    const record = this.records.get(key);
    if (record && record.expiresAt <= this.now()) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  /** Lazy expiry alone would keep every key never asked about again for the life of the process. */
  private sweepNowAndThen(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, record] of this.records) if (record.expiresAt <= now) this.records.delete(key);
  }
}
