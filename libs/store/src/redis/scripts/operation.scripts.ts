import { RedisScript } from '../redis-script';
import { RFC3339_LUA } from './rfc3339.lua';
import { SERVER_CLOCK_LUA } from './server-clock.lua';

/** The record's `layout` field: the key layout below. Records without it were written before it. */
export const OPERATION_LAYOUT = '2';

/*
 * One operation's keys share the hash tag `{op:<id>}` (RedisKeyspace.operation), so each script below
 * touches one Cluster slot:
 * - record: hash with id, clientId, traceparent (when known), accountId, campaignId, selection (JSON), chunkSize, chunkCount, status,
 *   createdAt and updatedAt (RFC 3339, server clock), expiresAt (server ms), error (JSON, failed
 *   only), layout (OPERATION_LAYOUT) and the counters total, processed, deleted, notFound,
 *   notDeletable, failed;
 * - numbers: list of the numbers in index order;
 * - kinds: string of `total` bytes, byte `index` the number's outcome: 0 while it has none, else its
 *   code (OUTCOME_CODE: d, n, u, f; b for deleted in a batch the vendor confirmed), upper-case when
 *   details holds more. Written once per index; the
 *   whole string is allocated with the first outcome, so it never grows (and never over-allocates).
 *   Results page by scanning it from the cursor: indexes are dense, so no sorted index is needed;
 * - details: hash index → JSON `{ phoneNumber?, error? }`, only for outcomes with an error or whose
 *   number is not the listed one (the usual outcome is one byte, its number read from the list);
 * - attempted: bitmap, bit `index` set by the number's first attempt (allocated whole, like kinds);
 * - retries: hash index → attempts after the first, only for numbers sent more than once;
 * - hold:<chunk>: the id of the worker holding the chunk, expiring unless renewed.
 * Every key expires at the record's expiresAt, keys written after create too (PEXPIREAT), so the whole
 * operation goes at once. Indexes are sent as canonical decimal text. A string holds at most 512 MB, so
 * an operation holds at most 536,870,912 numbers (the HTTP API takes 200,000).
 * The account's queue and the client's active set live in other slots; callers update them in separate
 * calls.
 *
 * Writers refuse a record without this layout (`{'layout', found}`), written before it by an older
 * gateway: its outcomes are kept elsewhere, so recording here could count a number twice.
 */

/** Lua: the NUL byte (an index without an outcome, or never attempted). */
const NUL_LUA = `local NUL = string.char(0)
`;

/**
 * Creates an operation from numbers the caller pushed to a staging list, all at once: until this
 * script runs, readers see no operation; after it, the record and every number.
 *
 * KEYS: [1] record, [2] numbers, [3] staging list (absent when there are no numbers).
 * ARGV: [1] id, [2] accountId, [3] campaignId, [4] selection JSON, [5] chunkSize, [6] chunkCount,
 * [7] total, [8] retentionMs (whole, ≥ 1), [9] clientId, [10] traceparent ('' for none).
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
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'clientId', ARGV[9], 'accountId', ARGV[2], 'campaignId', ARGV[3],
  'selection', ARGV[4], 'chunkSize', ARGV[5], 'chunkCount', ARGV[6], 'status', 'queued',
  'createdAt', at, 'updatedAt', at, 'expiresAt', expiresAt, 'total', ARGV[7], 'processed', 0,
  'deleted', 0, 'notFound', 0, 'notDeletable', 0, 'failed', 0, 'layout', '${OPERATION_LAYOUT}')
if ARGV[10] ~= nil and ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'traceparent', ARGV[10]) end
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
 * KEYS: [1] record, [2] numbers, [3] kinds, [4] details.
 * ARGV: [1] index (≥ 0), [2] the outcome's code (lower case), [3] the outcome's counter field (e.g.
 * notFound), [4] phone number, [5] details JSON when the number is the listed one ('' for none),
 * [6] details JSON when it is another.
 * Returns one of:
 * - `{'missing'}`: no such operation (expired or never created); nothing written;
 * - `{'layout', found}`: the record has another layout (see above); nothing written;
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
  lua: `${SERVER_CLOCK_LUA}${RFC3339_LUA}${NUL_LUA}
local fields = redis.call('HMGET', KEYS[1], 'total', 'status', 'expiresAt', 'layout')
if not fields[1] then return {'missing'} end
if fields[4] ~= '${OPERATION_LAYOUT}' then return {'layout', fields[4] or ''} end
local total = tonumber(fields[1])
local index = tonumber(ARGV[1])
if index >= total then return {'out_of_range', total} end
local expiresAt = fields[3]
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('SET', KEYS[3], string.rep(NUL, total))
  redis.call('PEXPIREAT', KEYS[3], expiresAt)
elseif redis.call('GETRANGE', KEYS[3], index, index) ~= NUL then
  return {'duplicate', 0, redis.call('HGETALL', KEYS[1])}
end
local code = ARGV[2]
local details = ARGV[5]
if redis.call('LINDEX', KEYS[2], index) ~= ARGV[4] then details = ARGV[6] end
if details ~= '' then
  redis.call('HSET', KEYS[4], ARGV[1], details)
  redis.call('PEXPIREAT', KEYS[4], expiresAt)
  code = string.upper(code)
end
redis.call('SETRANGE', KEYS[3], index, code)
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

/** Lua: refuses a write to a missing record, one of another layout, or an index past the end. */
const CHECK_INDEX_LUA = `
local fields = redis.call('HMGET', KEYS[1], 'total', 'expiresAt', 'layout')
if not fields[1] then return {'missing'} end
if fields[3] ~= '${OPERATION_LAYOUT}' then return {'layout', fields[3] or ''} end
local total = tonumber(fields[1])
if tonumber(ARGV[1]) >= total then return {'out_of_range', total} end
`;

/**
 * Lets a number be sent, in one step: the caller must still hold its chunk and the number must have no
 * outcome; then the hold is renewed and the attempt counted. The first attempt sets the number's bit in
 * `attempted`; later ones count in `retries`, so a number sent once costs one bit. Both expire with the
 * operation.
 *
 * KEYS: [1] record, [2] attempted, [3] retries, [4] kinds, [5] the chunk's hold.
 * ARGV: [1] index (≥ 0), [2] holder, [3] leaseMs.
 * Returns `{'missing'}`, `{'layout', found}`, `{'out_of_range', total}`, `{'lost'}` (another holder,
 * or none), `{'recorded'}` (the number has an outcome) with nothing written, or `{'claimed', count}`
 * with count the attempts so far, this one included.
 */
export const CLAIM_SEND: RedisScript = {
  name: 'cgOperationClaimSend',
  numberOfKeys: 5,
  lua: `${NUL_LUA}${CHECK_INDEX_LUA}
if redis.call('GET', KEYS[5]) ~= ARGV[2] then return {'lost'} end
if redis.call('EXISTS', KEYS[4]) == 1 and redis.call('GETRANGE', KEYS[4], ARGV[1], ARGV[1]) ~= NUL then
  return {'recorded'}
end
redis.call('PEXPIRE', KEYS[5], ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], string.rep(NUL, math.ceil(total / 8)))
  redis.call('PEXPIREAT', KEYS[2], fields[2])
end
if redis.call('SETBIT', KEYS[2], ARGV[1], 1) == 0 then return {'claimed', 1} end
local retries = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
redis.call('PEXPIREAT', KEYS[3], fields[2])
return {'claimed', retries + 1}
`,
};

/**
 * CLAIM_SEND for several numbers of one chunk at once (a batch call): the hold is checked once and
 * renewed, then each index without an outcome is claimed and its attempt counted.
 *
 * KEYS: [1] record, [2] attempted, [3] retries, [4] kinds, [5] the chunk's hold.
 * ARGV: [1] the largest index, [2] holder, [3] leaseMs, [4..] the indexes (≥ 0, distinct).
 * Returns `{'missing'}`, `{'layout', found}`, `{'out_of_range', total}`, `{'lost'}` with nothing
 * written, or `{'claimed', index, count, index, count, ...}` for the numbers claimed.
 */
export const CLAIM_SEND_MANY: RedisScript = {
  name: 'cgOperationClaimSendMany',
  numberOfKeys: 5,
  lua: `${NUL_LUA}${CHECK_INDEX_LUA}
if redis.call('GET', KEYS[5]) ~= ARGV[2] then return {'lost'} end
redis.call('PEXPIRE', KEYS[5], ARGV[3])
local kinds = redis.call('EXISTS', KEYS[4]) == 1
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], string.rep(NUL, math.ceil(total / 8)))
  redis.call('PEXPIREAT', KEYS[2], fields[2])
end
local out = {'claimed'}
for i = 4, #ARGV do
  local index = ARGV[i]
  if not kinds or redis.call('GETRANGE', KEYS[4], index, index) == NUL then
    local count = 1
    if redis.call('SETBIT', KEYS[2], index, 1) == 1 then
      count = redis.call('HINCRBY', KEYS[3], index, 1) + 1
      redis.call('PEXPIREAT', KEYS[3], fields[2])
    end
    out[#out + 1] = tonumber(index)
    out[#out + 1] = count
  end
end
return out
`,
};

/**
 * Takes a chunk for a holder, replacing any other.
 *
 * KEYS: [1] record, [2] the chunk's hold. ARGV: [1] holder, [2] leaseMs.
 * Returns `{'missing'}` (nothing written) or `{'held'}`.
 */
export const HOLD_CHUNK: RedisScript = {
  name: 'cgOperationHoldChunk',
  numberOfKeys: 2,
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {'held'}
`,
};

/**
 * Renews a holder's hold on a chunk, and reads the operation's status in the same step.
 *
 * KEYS: [1] record, [2] the chunk's hold. ARGV: [1] holder, [2] leaseMs.
 * Returns `{'missing'}`, or `{'held' | 'lost', status}`.
 */
export const RENEW_HOLD: RedisScript = {
  name: 'cgOperationRenewHold',
  numberOfKeys: 2,
  lua: `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'lost', status} end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {'held', status}
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

/** Bytes of `kinds` one GETRANGE reads at most while a results page looks for outcomes. */
export const RESULTS_SCAN_WINDOW = 65_536;

/** Wanted indexes at most this far apart are read from the numbers list with one LRANGE. */
export const RESULTS_NUMBERS_GAP = 64;

/**
 * Reads a page of outcomes in index order, consistent with itself (one script). It scans `kinds` from
 * the first index, a window at a time, for bytes that are an outcome (of the one kind asked for), until
 * it has one more than the page needs or reaches the end: the work is bounded by the operation's size
 * (one byte per number, scanned in C by string.find) plus the page. It then reads the page's numbers
 * from the list (one LRANGE per run of nearby indexes) and the details entries of upper-case codes.
 *
 * KEYS: [1] kinds, [2] numbers, [3] details.
 * ARGV: [1] first index, [2] limit (≥ 1), [3] the outcome's codes (lower case letters, e.g. 'db' for
 * deleted), or '' for every outcome.
 * Returns `{next, index, code, phoneNumber, detailsJson, index, code, ...}`: next is the index of the
 * first outcome after the page, or -1 when the page is the last; detailsJson is '' when there is none.
 */
export const READ_RESULTS: RedisScript = {
  name: 'cgOperationReadResults',
  numberOfKeys: 3,
  lua: `
local first = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local lower, upper = ARGV[3], string.upper(ARGV[3])
-- The positions (1-based) of the outcomes in bytes, in order, one per call, then nil. One kind is two
-- plain finds (memchr), each found again only once it is passed; every kind is any byte but NUL.
local function outcomesIn(bytes)
  if lower == '' or #lower > 1 then
    local pattern = '[^%z]'
    if lower ~= '' then pattern = '[' .. lower .. upper .. ']' end
    local at = string.find(bytes, pattern)
    return function()
      local found = at
      if found then at = string.find(bytes, pattern, found + 1) end
      return found
    end
  end
  local l, u = string.find(bytes, lower, 1, true), string.find(bytes, upper, 1, true)
  return function()
    local found
    if l and (not u or l < u) then
      found = l
      l = string.find(bytes, lower, l + 1, true)
    elseif u then
      found = u
      u = string.find(bytes, upper, u + 1, true)
    end
    return found
  end
end
local size = redis.call('STRLEN', KEYS[1])
local indexes, codes = {}, {}
local nextIndex = -1
local from = first
local window = math.min(math.max(1024, 2 * limit), ${RESULTS_SCAN_WINDOW})
while from < size and nextIndex < 0 do
  local to = math.min(from + window, size) - 1
  local bytes = redis.call('GETRANGE', KEYS[1], from, to)
  local nextOutcome = outcomesIn(bytes)
  local at = nextOutcome()
  while at do
    if #indexes == limit then
      nextIndex = from + at - 1
      break
    end
    indexes[#indexes + 1] = from + at - 1
    codes[#codes + 1] = string.sub(bytes, at, at)
    at = nextOutcome()
  end
  from = to + 1
  window = math.min(window * 2, ${RESULTS_SCAN_WINDOW})
end
local page = {nextIndex}
local run = 1
while run <= #indexes do
  local last = run
  while last < #indexes and indexes[last + 1] - indexes[last] <= ${RESULTS_NUMBERS_GAP} do last = last + 1 end
  local numbers = redis.call('LRANGE', KEYS[2], indexes[run], indexes[last])
  for i = run, last do
    page[#page + 1] = indexes[i]
    page[#page + 1] = codes[i]
    page[#page + 1] = numbers[indexes[i] - indexes[run] + 1] or ''
    page[#page + 1] = ''
  end
  run = last + 1
end
local withDetails, positions = {}, {}
for i = 1, #indexes do
  if codes[i] ~= string.lower(codes[i]) then
    withDetails[#withDetails + 1] = indexes[i]
    positions[#positions + 1] = 1 + 4 * i
  end
end
for batch = 1, #withDetails, 1000 do
  local last = math.min(batch + 999, #withDetails)
  local details = redis.call('HMGET', KEYS[3], unpack(withDetails, batch, last))
  for i = batch, last do page[positions[i]] = details[i - batch + 1] or '' end
end
return page
`,
};

/**
 * Says which of the given indexes have an outcome: one GETRANGE over them when they are close (a
 * chunk's), else one per index.
 *
 * KEYS: [1] kinds. ARGV: indexes (≥ 0, at least one).
 * Returns one flag per index, in order: 1 when it has an outcome, else 0.
 */
export const READ_RECORDED: RedisScript = {
  name: 'cgOperationReadRecorded',
  numberOfKeys: 1,
  lua: `${NUL_LUA}
local indexes = {}
local low, high = math.huge, -1
for i = 1, #ARGV do
  indexes[i] = tonumber(ARGV[i])
  low = math.min(low, indexes[i])
  high = math.max(high, indexes[i])
end
local flags = {}
if high - low < ${RESULTS_SCAN_WINDOW} then
  local bytes = redis.call('GETRANGE', KEYS[1], low, high)
  for i = 1, #indexes do
    local at = indexes[i] - low + 1
    flags[i] = (at <= #bytes and string.sub(bytes, at, at) ~= NUL) and 1 or 0
  end
else
  for i = 1, #indexes do
    local byte = redis.call('GETRANGE', KEYS[1], indexes[i], indexes[i])
    flags[i] = (byte ~= '' and byte ~= NUL) and 1 or 0
  end
end
return flags
`,
};

/** Lua: makes a quota key outlive every operation in it (its TTL only ever grows). */
const KEEP_AT_LEAST_LUA = `
local function keepAtLeast(key, ms)
  if redis.call('PTTL', key) < tonumber(ms) then redis.call('PEXPIRE', key, ms) end
end
`;

/**
 * Counts a new operation toward its client's quota, unless the client is at it.
 *
 * KEYS: [1] the client's active set. ARGV: [1] operation id, [2] most active operations, [3] keepMs.
 * Returns `{'admitted', count}` (with this one) or `{'over', count}` (nothing written).
 */
export const ADMIT_FOR_CLIENT: RedisScript = {
  name: 'cgOperationAdmitForClient',
  numberOfKeys: 1,
  lua: `${SERVER_CLOCK_LUA}${KEEP_AT_LEAST_LUA}
local count = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {'admitted', count} end
if count >= tonumber(ARGV[2]) then return {'over', count} end
redis.call('ZADD', KEYS[1], fmt(now), ARGV[1])
keepAtLeast(KEYS[1], ARGV[3])
return {'admitted', count + 1}
`,
};

/**
 * Adds a new operation's numbers to its account's queue, unless they would pass the limit.
 *
 * KEYS: [1] the account's queue. ARGV: [1] operation id, [2] its numbers, [3] most queued, [4] keepMs.
 * Returns `{'admitted', queued}` (with these) or `{'over', queued}` (before them; nothing written).
 */
export const ADMIT_FOR_ACCOUNT: RedisScript = {
  name: 'cgOperationAdmitForAccount',
  numberOfKeys: 1,
  lua: `${KEEP_AT_LEAST_LUA}
local queued = 0
for _, remaining in ipairs(redis.call('HVALS', KEYS[1])) do queued = queued + tonumber(remaining) end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {'admitted', queued} end
local adding = tonumber(ARGV[2])
if queued + adding > tonumber(ARGV[3]) then return {'over', queued} end
redis.call('HSET', KEYS[1], ARGV[1], adding)
keepAtLeast(KEYS[1], ARGV[4])
return {'admitted', queued + adding}
`,
};

/**
 * Sets an active operation's numbers still waiting; an operation no longer in the queue stays out.
 *
 * KEYS: [1] the account's queue. ARGV: [1] operation id, [2] remaining. Returns 1 if set, else 0.
 */
export const SET_REMAINING: RedisScript = {
  name: 'cgOperationSetRemaining',
  numberOfKeys: 1,
  lua: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`,
};
