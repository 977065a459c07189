import { RedisScript } from '../redis-script';

/**
 * Counts one request against a client's inbound limit (the rules @nestjs/throttler's Redis storages
 * use): a fixed window that starts at the first hit, and a block once the window holds more than
 * `limit` hits. Times are the Redis server's (PTTL), so replicas with skewed clocks agree.
 *
 * KEYS: [1] hits (counter expiring with its window), [2] blocked (present while the client is blocked).
 * ARGV: [1] ttl ms (the window), [2] limit, [3] blockDuration ms.
 * Returns `{totalHits, timeToExpireMs, blocked (0|1), timeToBlockExpireMs}`.
 */
export const INBOUND_HIT: RedisScript = {
  name: 'cgInboundHit',
  numberOfKeys: 2,
  lua: `
local ttl = math.max(1, math.ceil(tonumber(ARGV[1])))
local limit = tonumber(ARGV[2])
local blockDuration = math.max(1, math.ceil(tonumber(ARGV[3])))
local totalHits = redis.call('INCR', KEYS[1])
local timeToExpire = redis.call('PTTL', KEYS[1])
if timeToExpire <= 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  timeToExpire = ttl
end
local timeToBlockExpire = redis.call('PTTL', KEYS[2])
if timeToBlockExpire > 0 then
  return {totalHits, timeToExpire, 1, timeToBlockExpire}
end
if totalHits > limit then
  redis.call('SET', KEYS[2], '1', 'PX', blockDuration)
  return {totalHits, timeToExpire, 1, blockDuration}
end
return {totalHits, timeToExpire, 0, 0}
`,
};
