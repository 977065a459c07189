import { RedisScript } from '../redis-script';
import { SERVER_CLOCK_LUA } from './server-clock.lua';

/** How long a grants set outlives its newest grant, so it never expires while a grant still counts. */
export const GRANTS_EXPIRY_MARGIN_MS = 1000;

/**
 * Takes one grant from a sliding window, on the server clock (the same rules as MemoryRateLimiter).
 *
 * KEYS: [1] grants (sorted set, score = grant time in ms), [2] pause (pausedUntil in ms).
 * ARGV: [1] limit, [2] windowMs, [3] ceiling (≤ limit), [4] a unique id making the grant's member unique.
 * Returns `{1, 0}` when granted, else `{0, retryAfterMs}` with retryAfterMs ≥ 1:
 * - paused: the time left of the pause;
 * - full: when the grant at index `count - cap` leaves the window, which brings the count below the
 *   caller's cap (`cap = min(ceiling, limit)`).
 * Grants with score ≤ now - windowMs have left the window and are dropped.
 */
export const ACQUIRE_GRANT: RedisScript = {
  name: 'cgRateLimitAcquire',
  numberOfKeys: 2,
  lua: `${SERVER_CLOCK_LUA}
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if pausedUntil > now then
  return {0, math.max(1, math.ceil(pausedUntil - now))}
end
local windowMs = tonumber(ARGV[2])
local cap = math.min(tonumber(ARGV[1]), tonumber(ARGV[3]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now - windowMs))
local count = redis.call('ZCARD', KEYS[1])
if count < cap then
  local at = fmt(now)
  redis.call('ZADD', KEYS[1], at, at .. ':' .. ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(windowMs) + ${GRANTS_EXPIRY_MARGIN_MS})
  return {1, 0}
end
local freeing = redis.call('ZRANGE', KEYS[1], count - cap, count - cap, 'WITHSCORES')
if freeing[2] == nil then
  return {0, math.max(1, math.ceil(windowMs))}
end
return {0, math.max(1, math.ceil(tonumber(freeing[2]) + windowMs - now))}
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
