/*
 * The simulated server's clock face. Written for the sandbox alone (the gateway has its own
 * conversion): the Swedish locale happens to print exactly `yyyy-mm-dd hh:mm:ss`, 24-hour.
 */

const FORMAT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function isKnownTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_/+-]*$/.test(zone)) return false;
  try {
    new Date(0).toLocaleString('sv-SE', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An instant as the server in `zone` writes it: `yyyy-mm-dd hh:mm:ss`, no zone. */
export function localWallClock(epochMs: number, zone: string): string {
  const text = new Date(epochMs).toLocaleString('sv-SE', { timeZone: zone, hour12: false });
  if (!FORMAT.test(text))
    throw new RangeError(`cannot write ${new Date(epochMs).toISOString()} as local time`);
  return text;
}
