import { RedisScript } from '../redis-script';
import { SERVER_CLOCK_LUA } from './server-clock.lua';

/**
 * Counts one token generation against the vendor's cap per rolling hour, on the server clock, checking
 * and adding in one step so two replicas cannot both take the last one.
 *
 * KEYS: [1] generations (sorted set, score = generation time in ms).
 * ARGV: [1] max generations per hour, [2] the hour in ms, [3] a unique id for the member.
 * Returns `{1, 0}` when the generation may go ahead (and is counted), else `{0, retryAfterMs}`: when the
 * generation at index `count - max` leaves the hour, bringing the count below the cap.
 */
export const RESERVE_GENERATION: RedisScript = {
  name: 'cgTokenReserveGeneration',
  numberOfKeys: 1,
  lua: `${SERVER_CLOCK_LUA}
local max = tonumber(ARGV[1])
local hourMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now - hourMs))
local count = redis.call('ZCARD', KEYS[1])
if count < max then
  local at = fmt(now)
  redis.call('ZADD', KEYS[1], at, at .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(hourMs) + 1000)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
if oldest[2] == nil then
  return {0, math.ceil(hourMs)}
end
return {0, math.max(1, math.ceil(tonumber(oldest[2]) + hourMs - now))}
`,
};

/**
 * Stores a newly generated token, but only while the caller still holds the generation lock: a holder
 * whose lock ran out (its generation took longer than the lock TTL) must not overwrite the token the
 * next holder generated.
 *
 * KEYS: [1] token, [2] lock. ARGV: [1] the caller's lock value, [2] the token JSON, [3] ms until expiry.
 * Returns 1 when stored, 0 when the lock is no longer the caller's.
 */
export const STORE_TOKEN_IF_HOLDER: RedisScript = {
  name: 'cgTokenStoreIfHolder',
  numberOfKeys: 2,
  lua: `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`,
};

/**
 * Releases the generation lock only when it is still the caller's (compare and delete), so a holder
 * whose lock ran out cannot release the next holder's.
 *
 * KEYS: [1] lock. ARGV: [1] the caller's lock value. Returns 1 when released, else 0.
 */
export const RELEASE_LOCK: RedisScript = {
  name: 'cgTokenReleaseLock',
  numberOfKeys: 1,
  lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`,
};
