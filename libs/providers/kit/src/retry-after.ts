/** Response headers as the HTTP client hands them over. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Seconds to wait from a `Retry-After` header (delta seconds or an HTTP date), at least 1; undefined
 * when the header is absent or unreadable.
 */
export function parseRetryAfter(headers: ResponseHeaders, now: () => number = Date.now): number | undefined {
  const raw = headers['retry-after'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.max(1, Number(value));
  // Every HTTP-date form (RFC 9110 5.6.7) starts with a day name; Date.parse alone would read "-3" as
  // the year -3, and then a wait of at least 1 s.
  if (!/^[A-Za-z]{3,9},? /.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - now()) / 1000));
}
