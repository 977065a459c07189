/**
 * Lua defining `rfc3339(ms)`: a time in whole ms since the epoch as RFC 3339 UTC text with ms, exactly
 * as JavaScript's `Date.prototype.toISOString` writes it (`2026-12-04T09:57:00.123Z`), for years
 * 0000..9999. Scripts stamp records with the Redis server's clock, so every replica writes the same
 * kind of time; Redis' Lua has no `os.date`, hence the civil-from-days arithmetic (H. Hinnant's
 * `civil_from_days`, floors instead of integer division).
 */
export const RFC3339_LUA = `
local function rfc3339(ms)
  local floor = math.floor
  ms = floor(ms)
  local seconds = floor(ms / 1000)
  local days = floor(seconds / 86400)
  local secondOfDay = seconds - days * 86400
  local z = days + 719468
  local era = floor(z / 146097)
  local dayOfEra = z - era * 146097
  local yearOfEra = floor((dayOfEra - floor(dayOfEra / 1460) + floor(dayOfEra / 36524) - floor(dayOfEra / 146096)) / 365)
  local dayOfYear = dayOfEra - (365 * yearOfEra + floor(yearOfEra / 4) - floor(yearOfEra / 100))
  local mp = floor((5 * dayOfYear + 2) / 153)
  local day = dayOfYear - floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yearOfEra + era * 400 + (month <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day,
    floor(secondOfDay / 3600), floor(secondOfDay % 3600 / 60), secondOfDay % 60, ms - seconds * 1000)
end
`;
