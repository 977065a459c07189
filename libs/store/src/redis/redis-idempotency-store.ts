import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection';
import { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../ports/idempotency-store';
import { runScript } from './redis-script';
import { RedisKeyspace } from './redis-keyspace';
import { storeCall } from './store-errors';
import { CLAIM_KEY, COMPLETE_CLAIM, RELEASE_CLAIM, RENEW_CLAIM } from './scripts/idempotency.scripts';

/** Redis wants whole, positive milliseconds for PEXPIRE. */
const wholeMs = (ms: number) => Math.max(1, Math.ceil(ms));

/**
 * Idempotency records shared by every replica: each step is one script on the key's hash, so two
 * replicas racing for one key cannot both claim it, and a claim that lost its lease cannot overwrite
 * the record of the claim that followed.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: RedisKeyspace = new RedisKeyspace(),
  ) {}

  async claim(key: string, fingerprint: string, leaseMs: number): Promise<IdempotencyClaim> {
    const token = randomUUID();
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        CLAIM_KEY,
        [this.keyspace.idempotency(key)],
        [fingerprint, token, wholeMs(leaseMs)],
      ),
    );
    return claimFromReply(reply, token);
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const reply = await storeCall(() =>
      runScript(this.redis, RENEW_CLAIM, [this.keyspace.idempotency(key)], [token, wholeMs(leaseMs)]),
    );
    return reply === 1;
  }

  async complete(
    key: string,
    token: string,
    response: StoredResponse,
    retentionMs: number,
  ): Promise<boolean> {
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        COMPLETE_CLAIM,
        [this.keyspace.idempotency(key)],
        [token, JSON.stringify(response), wholeMs(retentionMs)],
      ),
    );
    return reply === 1;
  }

  async release(key: string, token: string): Promise<void> {
    await storeCall(() => runScript(this.redis, RELEASE_CLAIM, [this.keyspace.idempotency(key)], [token]));
  }
}

function claimFromReply(reply: unknown, token: string): IdempotencyClaim {
  const [outcome, detail] = Array.isArray(reply) ? (reply as unknown[]) : [];
  switch (outcome) {
    case 'claimed':
      return { outcome: 'claimed', token };
    case 'mismatch':
      return { outcome: 'mismatch' };
    case 'replay':
      if (typeof detail === 'string')
        return { outcome: 'replay', response: JSON.parse(detail) as StoredResponse };
      break;
    case 'in_progress':
      // PTTL is -1 only for a record without expiry, which the scripts never write; never say "now".
      if (typeof detail === 'number') return { outcome: 'in_progress', retryAfterMs: Math.max(1, detail) };
      break;
  }
  throw new Error(`${CLAIM_KEY.name} answered ${JSON.stringify(reply)}`);
}
