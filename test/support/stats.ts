/** Epoch ms with sub-ms precision, on the clock the in-process sandbox stamps its call log with. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Nearest-rank percentile (p in 0..100) of the samples: p99 of 50 samples is the largest. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
