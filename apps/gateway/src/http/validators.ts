import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** The contract's number rule, before any provider's own: digits, `*` and `#`, one optional leading `+`. */
export const DIAL_STRING = /^\+?[0-9*#]{1,24}$/;
export const DIAL_STRING_RULE = '1..24 characters of digits, "*" and "#", with one optional leading "+"';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** True for an RFC 3339 date-time with an explicit offset that names a real instant. */
export function isRfc3339(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offset = m[8].toUpperCase();
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return false;
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRfc3339',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T10:30:00+05:30',
        ...options,
      },
      validator: { validate: (value: unknown) => isRfc3339(value) },
    });
}

/** An RFC 3339 time later than now; checked against the gateway's clock when the request arrives. */
export function IsFutureTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFutureTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be in the future', ...options },
      validator: { validate: (value: unknown) => !isRfc3339(value) || Date.parse(value) > Date.now() },
    });
}

/**
 * An array of dial strings, checked here rather than with `each: true` so the message names the first
 * bad element's index (the flattener turns the `[i]` prefix into `phoneNumbers[i]`).
 */
export function IsDialStringList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDialStringList',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => Array.isArray(value) && firstBadDialString(value) === -1,
        defaultMessage: (args?: ValidationArguments) => {
          const list = args?.value as unknown;
          if (!Array.isArray(list)) return 'must be an array of phone numbers';
          const index = firstBadDialString(list);
          return `[${index}] must be ${DIAL_STRING_RULE}`;
        },
      },
    });
}

function firstBadDialString(list: unknown[]): number {
  return list.findIndex((item) => typeof item !== 'string' || !DIAL_STRING.test(item));
}

/** An object whose JSON text stays within `max` characters (what the vendor stores). */
export function MaxJsonLength(max: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'maxJsonLength',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must serialise to at most ${max} characters of JSON`, ...options },
      validator: { validate: (value: unknown) => JSON.stringify(value ?? null).length <= max },
    });
}

/** The property may be given only when `allowed(object)` holds (e.g. a field for one mode only). */
export function OnlyWhen<T>(allowed: (object: T) => boolean, message: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'onlyWhen',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message },
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          value === undefined || allowed(args?.object as T),
      },
    });
}
