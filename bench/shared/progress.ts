import { loadavg } from 'node:os';

/** A progress line on stderr, so stdout carries only the figures. */
export const progress = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/** The load averages over 1, 5 and 15 minutes, as `1.23 / 1.10 / 0.98`. */
export const loadAverageText = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
