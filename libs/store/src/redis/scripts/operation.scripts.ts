import { RedisScript } from '../redis-script';
import { RFC3339_LUA } from './rfc3339.lua';
import { SERVER_CLOCK_LUA } from './server-clock.lua';

/*
 * One operation's keys share the hash tag `{op:<id>}` (RedisKeyspace.operation), so each script below
 * touches one Cluster slot:
 * - record: hash with id, accountId, campaignId, selection (JSON), chunkSize, chunkCount, status,
 *   createdAt and updatedAt (RFC 3339, server clock), expiresAt (server ms), error (JSON, failed
 *   only) and the counters total, processed, deleted, notFound, notDeletable, failed;
 * - numbers: list of the numbers in index order;
 * - outcomes: hash index → JSON `{ phoneNumber, outcome, error? }`, written once (HSETNX);
 * - done, done:<outcome>: sorted sets of the recorded indexes (score = member = index);
 * - attempts: hash index → count.
 * Every key expires at the record's expiresAt, keys written after create too (PEXPIREAT), so the whole
 * operation goes at once. Indexes are sent as canonical decimal text (they are members and fields).
 * The account's set of active operations lives in another slot; callers update it in a separate call.
 */

/**
 * Creates an operation from numbers the caller pushed to a staging list, all at once: until this
 * script runs, readers see no operation; after it, the record and every number.
 *
 * KEYS: [1] record, [2] numbers, [3] staging list (absent when there are no numbers).
 * ARGV: [1] id, [2] accountId, [3] campaignId, [4] selection JSON, [5] chunkSize, [6] chunkCount,
 * [7] total, [8] retentionMs (whole, ≥ 1).
 * Returns one of:
 * - `{'created', record}`: record (HGETALL) is queued with zero progress, created and updated now,
 *   every key expiring retentionMs from now;
 * - `{'exists'}`: an operation with this id is stored; nothing changed (the staging list is dropped);
 * - `{'incomplete', staged}`: the staging list does not hold `total` numbers; it is dropped.
 */
export const CREATE_OPERATION: RedisScript = {
  name: 'cgOperationCreate',
  numberOfKeys: 3,
  lua: `${SERVER_CLOCK_LUA}${RFC3339_LUA}
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('DEL', KEYS[3])
  return {'exists'}
end
local total = tonumber(ARGV[7])
local staged = redis.call('LLEN', KEYS[3])
if staged ~= total then
  redis.call('DEL', KEYS[3])
  return {'incomplete', staged}
end
local ms = math.floor(now)
local expiresAt = string.format('%d', ms + tonumber(ARGV[8]))
local at = rfc3339(ms)
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'accountId', ARGV[2], 'campaignId', ARGV[3],
  'selection', ARGV[4], 'chunkSize', ARGV[5], 'chunkCount', ARGV[6], 'status', 'queued',
  'createdAt', at, 'updatedAt', at, 'expiresAt', expiresAt, 'total', ARGV[7], 'processed', 0,
  'deleted', 0, 'notFound', 0, 'notDeletable', 0, 'failed', 0)
redis.call('PEXPIREAT', KEYS[1], expiresAt)
if total > 0 then
  redis.call('RENAME', KEYS[3], KEYS[2])
  redis.call('PEXPIREAT', KEYS[2], expiresAt)
else
  redis.call('DEL', KEYS[2])
end
return {'created', redis.call('HGETALL', KEYS[1])}
`,
};

/**
 * Records a number's outcome once, moving the counters with it, so a chunk resumed on another replica
 * cannot count a number twice.
 *
 * KEYS: [1] record, [2] outcomes, [3] done, [4] done:<outcome>.
 * ARGV: [1] index (≥ 0), [2] outcome JSON, [3] the outcome's counter field (e.g. notFound).
 * Returns one of:
 * - `{'missing'}`: no such operation (expired or never created); nothing written;
 * - `{'out_of_range', total}`: index ≥ total; nothing written;
 * - `{'duplicate', 0, record}`: the index already had an outcome; nothing written;
 * - `{'recorded', completed, record}`: stored; processed and the counter went up by one, updatedAt is
 *   now; when that was the last number of a queued or running operation its status became
 *   `completed` and completed is 1 (the caller then drops it from the account's active set), else 0.
 *   A cancelled or failed operation still counts the outcome and keeps its status.
 */
export const RECORD_OUTCOME: RedisScript = {
  name: 'cgOperationRecordOutcome',
  numberOfKeys: 4,
  lua: `${SERVER_CLOCK_LUA}${RFC3339_LUA}
local fields = redis.call('HMGET', KEYS[1], 'total', 'status', 'expiresAt')
if not fields[1] then return {'missing'} end
local total = tonumber(fields[1])
local index = tonumber(ARGV[1])
if index >= total then return {'out_of_range', total} end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then
  return {'duplicate', 0, redis.call('HGETALL', KEYS[1])}
end
local expiresAt = fields[3]
redis.call('PEXPIREAT', KEYS[2], expiresAt)
redis.call('ZADD', KEYS[3], index, ARGV[1])
redis.call('PEXPIREAT', KEYS[3], expiresAt)
redis.call('ZADD', KEYS[4], index, ARGV[1])
redis.call('PEXPIREAT', KEYS[4], expiresAt)
local processed = redis.call('HINCRBY', KEYS[1], 'processed', 1)
redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
redis.call('HSET', KEYS[1], 'updatedAt', rfc3339(now))
local completed = 0
if processed == total and (fields[2] == 'queued' or fields[2] == 'running') then
  redis.call('HSET', KEYS[1], 'status', 'completed')
  completed = 1
end
return {'recorded', completed, redis.call('HGETALL', KEYS[1])}
`,
};

/**
 * Moves an operation on, the same rule as `mayTransition`: to running only from queued; to cancelled
 * or failed from queued or running; a terminal operation never changes.
 *
 * KEYS: [1] record. ARGV: [1] running | cancelled | failed, [2] error JSON for failed, or ''.
 * Returns `{'missing'}` when there is no such operation, else `{'changed' | 'unchanged', record}`;
 * a change sets updatedAt to now (and error when given).
 */
export const TRANSITION_OPERATION: RedisScript = {
  name: 'cgOperationTransition',
  numberOfKeys: 1,
  lua: `${SERVER_CLOCK_LUA}${RFC3339_LUA}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local target = ARGV[1]
local stoppable = status == 'queued' or status == 'running'
local allowed = (target == 'running' and status == 'queued')
  or ((target == 'cancelled' or target == 'failed') and stoppable)
if not allowed then return {'unchanged', redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'status', target, 'updatedAt', rfc3339(now))
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[2]) end
return {'changed', redis.call('HGETALL', KEYS[1])}
`,
};

/**
 * Counts one attempt to send a number; the attempts hash expires with the operation.
 *
 * KEYS: [1] record, [2] attempts. ARGV: [1] index (≥ 0).
 * Returns `{'missing'}`, `{'out_of_range', total}` (nothing written), or `{'counted', count}` with
 * count the attempts so far, this one included.
 */
export const MARK_ATTEMPT: RedisScript = {
  name: 'cgOperationMarkAttempt',
  numberOfKeys: 2,
  lua: `
local fields = redis.call('HMGET', KEYS[1], 'total', 'expiresAt')
if not fields[1] then return {'missing'} end
if tonumber(ARGV[1]) >= tonumber(fields[1]) then return {'out_of_range', tonumber(fields[1])} end
local count = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('PEXPIREAT', KEYS[2], fields[2])
return {'counted', count}
`,
};

/**
 * Reads one chunk's numbers in one round trip (the chunk size is in the record).
 *
 * KEYS: [1] record, [2] numbers. ARGV: [1] chunk index (≥ 0).
 * Returns `{first, numbers}`: the index of the chunk's first number and its numbers in order (empty
 * past the last chunk, or when there is no such operation).
 */
export const READ_CHUNK: RedisScript = {
  name: 'cgOperationReadChunk',
  numberOfKeys: 2,
  lua: `
local chunkSize = tonumber(redis.call('HGET', KEYS[1], 'chunkSize') or '0')
if chunkSize < 1 then return {0, {}} end
local first = tonumber(ARGV[1]) * chunkSize
return {first, redis.call('LRANGE', KEYS[2], first, first + chunkSize - 1)}
`,
};

/**
 * Reads a page of outcomes in index order, consistent with itself (outcomes and done sets are written
 * together by RECORD_OUTCOME).
 *
 * KEYS: [1] done or done:<outcome>, [2] outcomes. ARGV: [1] first index, [2] how many at most.
 * Returns a flat `{index, outcomeJson, index, outcomeJson, ...}` of the recorded indexes ≥ first.
 */
export const READ_RESULTS: RedisScript = {
  name: 'cgOperationReadResults',
  numberOfKeys: 2,
  lua: `
local indexes = redis.call('ZRANGE', KEYS[1], ARGV[1], '+inf', 'BYSCORE', 'LIMIT', 0, ARGV[2])
local page = {}
for i, index in ipairs(indexes) do
  page[2 * i - 1] = index
  page[2 * i] = redis.call('HGET', KEYS[2], index)
end
return page
`,
};

/**
 * Adds an operation to its account's active set, which must outlive every operation in it: its TTL
 * only ever grows, to the longest retention of any operation added.
 *
 * KEYS: [1] the account's active set. ARGV: [1] operation id, [2] retentionMs (whole, ≥ 1). Returns 1.
 */
export const ADD_ACTIVE_OPERATION: RedisScript = {
  name: 'cgOperationAddActive',
  numberOfKeys: 1,
  lua: `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
`,
};
