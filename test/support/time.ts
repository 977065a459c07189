/** `at` written in RFC 3339 with the given offset in minutes, e.g. +330 gives `...+05:30`. */
export function rfc3339(at: Date, offsetMinutes = 330): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export const inHours = (hours: number): Date =>
  new Date(Math.floor(Date.now() / 1000) * 1000 + hours * 3_600_000);
