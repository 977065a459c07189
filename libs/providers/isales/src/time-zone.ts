import { registerDecorator, ValidationOptions } from 'class-validator';

/*
 * iSales reads `recycleTime` ("yyyy-mm-dd hh:mm:ss", no zone) in the server's local time, so an instant
 * from the caller must become that zone's wall clock before it is sent. Intl does the zone rules (the
 * tz database Node ships); no extra dependency.
 */

export const DEFAULT_ISALES_TIME_ZONE = 'UTC';

// Names only: a bare offset such as "+05:30" is not a zone (it has no rules), and Node 22 would take it.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** True for a time zone name the runtime's tz database knows (e.g. `Asia/Shanghai`, `UTC`). */
export function isIanaTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || name.length > 64 || !ZONE_NAME.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be an IANA time zone name such as Asia/Shanghai or UTC',
        ...options,
      },
      validator: { validate: (value: unknown) => isIanaTimeZone(value) },
    });
}

/** Renders an instant as `yyyy-mm-dd hh:mm:ss` in one zone; undefined outside years 0001..9999. */
export type WallClock = (epochMs: number) => string | undefined;

/** Built once per account: the formatter is the costly part. */
export function wallClockIn(timeZone: string): WallClock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    era: 'short',
  });
  return (epochMs) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(epochMs)) parts[part.type] = part.value;
    const year = Number(parts.year);
    // The vendor's format has four year digits and no era.
    if (parts.era !== 'AD' || !Number.isInteger(year) || year < 1 || year > 9999) return undefined;
    const y = String(year).padStart(4, '0');
    return `${y}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  };
}
