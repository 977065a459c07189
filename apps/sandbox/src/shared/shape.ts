/**
 * Minimal structural checks for JSON that comes from outside (seed files, `PUT /__sandbox/state`,
 * control bodies). Each reader returns the typed value or throws a ShapeError naming the bad path.
 */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    expectation: string,
  ) {
    super(`${path}: ${expectation}`);
    this.name = 'ShapeError';
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ShapeError(path, 'expected an object');
  return value;
}

export function readArray<T>(
  value: unknown,
  path: string,
  readItem: (item: unknown, path: string) => T,
): T[] {
  if (!Array.isArray(value)) throw new ShapeError(path, 'expected an array');
  return value.map((item, index) => readItem(item, `${path}[${index}]`));
}

export function readText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(path, 'expected a string');
  return value;
}

export function readOptionalText(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : readText(value, path);
}

export function readInteger(value: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ShapeError(path, `expected an integer in ${min}..${max}`);
  }
  return value;
}

export function readOneOf<T extends string | number>(value: unknown, path: string, options: readonly T[]): T {
  const match = options.find((option) => option === value);
  if (match === undefined) throw new ShapeError(path, `expected one of ${options.join(', ')}`);
  return match;
}
