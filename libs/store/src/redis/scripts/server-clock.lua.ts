/**
 * Lua that sets `now` to the Redis server's time in ms, with µs precision, so every replica decides
 * on one clock whatever its own says. Scripts calling TIME before writing rely on effect replication,
 * the only mode since Redis 7 (and the default since 5).
 *
 * `fmt(ms)` writes a time for Redis: Lua's own number-to-string keeps 14 digits, which would drop the
 * sub-ms part of an epoch time in ms.
 */
export const SERVER_CLOCK_LUA = `
local serverTime = redis.call('TIME')
local now = tonumber(serverTime[1]) * 1000 + tonumber(serverTime[2]) / 1000
local function fmt(ms) return string.format('%.3f', ms) end
`;
