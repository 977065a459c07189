/** What a client asked for in `Prefer` (RFC 7240), as far as this API honours it. */
export interface Preferences {
  respondAsync: boolean;
  /** Seconds the client is willing to wait, capped at 60. */
  waitSeconds?: number;
}

export const MAX_WAIT_SECONDS = 60;

/** Reads `Prefer: respond-async, wait=10`; unknown or malformed preferences are ignored, as RFC 7240 asks. */
export function parsePrefer(header: string | string[] | undefined): Preferences {
  const preferences: Preferences = { respondAsync: false };
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const token of values.flatMap((value) => value.split(','))) {
    const [name, rawValue] = token
      .split(';')[0]
      .split('=')
      .map((part) => part.trim().toLowerCase());
    if (name === 'respond-async') preferences.respondAsync = true;
    if (name === 'wait' && /^\d+$/.test(rawValue?.replace(/^"|"$/g, '') ?? '')) {
      preferences.waitSeconds = Math.min(MAX_WAIT_SECONDS, Number(rawValue.replace(/^"|"$/g, '')));
    }
  }
  return preferences;
}
