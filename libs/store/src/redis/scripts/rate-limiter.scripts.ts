import { RedisScript } from '../redis-script';
import { TURN_RETRY_MS } from '../../sharing-rules';
import { SERVER_CLOCK_LUA } from './server-clock.lua';

/** How long the window's keys outlive their newest write, so none expires while it still counts. */
export const GRANTS_EXPIRY_MARGIN_MS = 1000;

/**
 * Takes one grant from a sliding window shared by interactive calls and bulk work, on the server clock
 * (the same rules as MemoryRateLimiter, step by step).
 *
 * KEYS (one account's, one slot): [1] grants (sorted set, score = grant time in ms), [2] pause
 * (pausedUntil in ms), [3] waiters (sorted set: waiting interactive call id → when it lapses),
 * [4] contenders (sorted set: bulk tenant → when it lapses), [5] turns (hash: bulk tenant → its last
 * grant time), [6] seen (exists for one window after an interactive call asked).
 * ARGV: [1] limit, [2] windowMs, [3] 'interactive' | 'bulk', [4] the caller's unique id (the grant's
 * member; the waiter id of an interactive call), [5] the bulk tenant ('' for interactive), [6] spacingMs,
 * [7] interactiveShare, [8] leaseMs.
 * Returns `{1, 0}` when granted, else `{0, retryAfterMs}` with retryAfterMs ≥ 1.
 * - Interactive: granted while the window has room; refused, it is registered as waiting until the
 *   wait it is told plus the lease (a call that dies stops counting then).
 * - Bulk: its cap is the limit less the waiting interactive calls, and less interactiveShare of it
 *   while interactive calls were seen in the last window; then, while they were, it fills the window's
 *   last grant only if a grant frees within spacingMs, and takes none within spacingMs of the newest
 *   grant (so bulk grants spread over the window); then it must be its tenant's turn: no other
 *   registered tenant had its last grant earlier. A refused tenant stays registered until the wait
 *   plus the lease.
 */
export const ACQUIRE_GRANT: RedisScript = {
  name: 'cgRateLimitAcquire',
  numberOfKeys: 6,
  lua: `${SERVER_CLOCK_LUA}
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local bulk = ARGV[3] == 'bulk'
local id, tenant = ARGV[4], ARGV[5]
local spacingMs, share, leaseMs = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local keep = math.ceil(windowMs + leaseMs) + ${GRANTS_EXPIRY_MARGIN_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now - windowMs))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', fmt(now))
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', fmt(now))
local count = redis.call('ZCARD', KEYS[1])
local function freesIn(position)
  local grant = redis.call('ZRANGE', KEYS[1], position, position, 'WITHSCORES')
  return math.max(1, tonumber(grant[2]) + windowMs - now)
end
local function grant()
  redis.call('ZADD', KEYS[1], fmt(now), id)
  redis.call('PEXPIRE', KEYS[1], keep)
end
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
local wait = nil

if not bulk then
  redis.call('SET', KEYS[6], '1', 'PX', math.ceil(windowMs))
  if pausedUntil > now then wait = pausedUntil - now
  elseif count >= limit then wait = freesIn(count - limit) end
  if not wait then
    grant()
    redis.call('ZREM', KEYS[3], id)
    return {1, 0}
  end
  redis.call('ZADD', KEYS[3], fmt(now + wait + leaseMs), id)
  redis.call('PEXPIRE', KEYS[3], keep)
  return {0, math.max(1, math.ceil(wait))}
end

if pausedUntil > now then
  wait = pausedUntil - now
else
  local seen = redis.call('EXISTS', KEYS[6]) == 1
  local cap = limit - redis.call('ZCARD', KEYS[3])
  if seen then cap = math.min(cap, math.floor(limit * (1 - share))) end
  if count >= cap then
    if cap <= 0 then
      if count > 0 then wait = freesIn(0) else wait = leaseMs end
    else
      wait = freesIn(count - cap)
    end
  elseif seen and count + 1 >= limit then
    local soonest = windowMs
    if count > 0 then soonest = freesIn(0) end
    if soonest > spacingMs then wait = soonest - spacingMs end
  end
  if not wait and seen and count > 0 then
    local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
    local sinceNewest = now - tonumber(newest[2])
    if sinceNewest < spacingMs then wait = spacingMs - sinceNewest end
  end
  if not wait then
    local mine = tonumber(redis.call('HGET', KEYS[5], tenant) or '0')
    local others = redis.call('ZRANGE', KEYS[4], 0, -1)
    for i = 1, #others do
      if others[i] ~= tenant and tonumber(redis.call('HGET', KEYS[5], others[i]) or '0') < mine then
        wait = math.min(${TURN_RETRY_MS}, leaseMs)
        break
      end
    end
  end
end
redis.call('ZADD', KEYS[4], fmt(now + (wait or 0) + leaseMs), tenant)
redis.call('PEXPIRE', KEYS[4], keep)
if wait then return {0, math.max(1, math.ceil(wait))} end
grant()
redis.call('HSET', KEYS[5], tenant, fmt(now))
redis.call('PEXPIRE', KEYS[5], keep)
return {1, 0}
`,
};

/**
 * Moves a grant to now when the call it granted is answered late; a grant never moves earlier, and one that
 * left the window (its member removed) is not added back.
 *
 * KEYS: [1] grants. ARGV: [1] the grant's id. Returns 1 if moved, else 0.
 */
export const RESTAMP_GRANT: RedisScript = {
  name: 'cgRateLimitRestamp',
  numberOfKeys: 1,
  lua: `${SERVER_CLOCK_LUA}
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not at or tonumber(at) >= now then return 0 end
redis.call('ZADD', KEYS[1], 'XX', fmt(now), ARGV[1])
return 1
`,
};

/**
 * Removes a waiting interactive call that gave up, so bulk work need not leave it a grant.
 *
 * KEYS: [1] waiters. ARGV: [1] waiter id. Returns 1.
 */
export const WITHDRAW_WAITER: RedisScript = {
  name: 'cgRateLimitWithdraw',
  numberOfKeys: 1,
  lua: `
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`,
};

/**
 * Refuses every grant of a window for a while, on the server clock.
 *
 * KEYS: [1] pause. ARGV: [1] ms.
 * Sets pausedUntil = max(existing, now + ms), the key expiring when the pause ends; a shorter pause
 * never cuts a longer one short. Returns 1.
 */
export const PAUSE_WINDOW: RedisScript = {
  name: 'cgRateLimitPause',
  numberOfKeys: 1,
  lua: `${SERVER_CLOCK_LUA}
local ms = tonumber(ARGV[1])
if ms <= 0 then return 1 end
local pausedUntil = now + ms
local existing = tonumber(redis.call('GET', KEYS[1]) or '0')
if pausedUntil > existing then
  redis.call('SET', KEYS[1], fmt(pausedUntil), 'PX', math.ceil(ms))
end
return 1
`,
};

/**
 * KEYS: [1] lease. ARGV: [1] holder, [2] ms. Takes the lease when it is free (or already the holder's),
 * for ms. Returns 1 when taken, 0 while another holder has it. PX expiry is on the server clock.
 */
export const TAKE_LEASE: RedisScript = {
  name: 'cgRateLimitLease',
  numberOfKeys: 1,
  lua: `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, math.ceil(tonumber(ARGV[2]))))
return 1
`,
};

/** KEYS: [1] lease. ARGV: [1] holder. Deletes the lease only if the holder still has it. */
export const RELEASE_LEASE: RedisScript = {
  name: 'cgRateLimitRelease',
  numberOfKeys: 1,
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`,
};
