import { RedisScript } from '../redis-script';

/*
 * One hash per idempotency key, with fields `state` (running | done), `fingerprint`, `token` (the
 * running claim's proof) and `response` (the stored answer as JSON, once done). The key's TTL is the
 * lease while running and the retention once done, so an abandoned claim frees itself.
 */

/**
 * Claims a key, or says why not.
 *
 * KEYS: [1] the record. ARGV: [1] fingerprint, [2] a fresh claim token, [3] leaseMs.
 * Returns one of:
 * - `{'claimed'}`: there was no record; one is created (running, this token) expiring after the lease;
 * - `{'mismatch'}`: the record has another fingerprint (running or done);
 * - `{'replay', responseJson}`: the record is done;
 * - `{'in_progress', pttl}`: the record is running; pttl is what is left of its lease.
 */
export const CLAIM_KEY: RedisScript = {
  name: 'cgIdempotencyClaim',
  numberOfKeys: 1,
  lua: `
local record = redis.call('HMGET', KEYS[1], 'state', 'fingerprint', 'response')
if not record[1] then
  redis.call('HSET', KEYS[1], 'state', 'running', 'fingerprint', ARGV[1], 'token', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'claimed'}
end
if record[2] ~= ARGV[1] then return {'mismatch'} end
if record[1] == 'done' then return {'replay', record[3]} end
return {'in_progress', redis.call('PTTL', KEYS[1])}
`,
};

/**
 * Extends a running claim's lease.
 *
 * KEYS: [1] the record. ARGV: [1] the claim token, [2] leaseMs.
 * Returns 1 when the record is running under this token (and now expires after the lease), else 0.
 */
export const RENEW_CLAIM: RedisScript = {
  name: 'cgIdempotencyRenew',
  numberOfKeys: 1,
  lua: `
local record = redis.call('HMGET', KEYS[1], 'state', 'token')
if record[1] ~= 'running' or record[2] ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`,
};

/**
 * Records the answer of a running claim for replay.
 *
 * KEYS: [1] the record. ARGV: [1] the claim token, [2] the response JSON, [3] retentionMs.
 * Returns 1 when the record was running under this token (now done, expiring after the retention),
 * else 0 and nothing is written: a claim that lost its lease must not overwrite its successor's record.
 */
export const COMPLETE_CLAIM: RedisScript = {
  name: 'cgIdempotencyComplete',
  numberOfKeys: 1,
  lua: `
local record = redis.call('HMGET', KEYS[1], 'state', 'token')
if record[1] ~= 'running' or record[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'response', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`,
};

/**
 * Forgets a claim so the request may run again.
 *
 * KEYS: [1] the record. ARGV: [1] the claim token.
 * Deletes the record only when it holds this token. Returns 1 when deleted, else 0.
 */
export const RELEASE_CLAIM: RedisScript = {
  name: 'cgIdempotencyRelease',
  numberOfKeys: 1,
  lua: `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`,
};
