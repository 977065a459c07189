/** Small statistics over samples; nothing here knows about Redis or HTTP. */

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** Wall-clock epoch time in ms with sub-ms precision, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Nearest-rank percentile of ascending samples (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/**
 * The most grants any window of `windowMs` holds, with the limiter's own window: a grant at `t` still
 * counts at `now` while `t > now - windowMs`, so the window ending at each grant is `(t - windowMs, t]`.
 */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[first] <= sorted[last] - windowMs) first++;
    max = Math.max(max, last - first + 1);
  }
  return max;
}

/** The middle sample (nearest rank): for 3 runs, the second fastest. */
export const median = (samples: readonly number[]): number =>
  percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
