/**
 * The largest number of events inside any window of `windowMs` (a strict sliding window: an event at
 * `t` and one at `t + windowMs` are in different windows).
 */
export function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

/** What the vendor saw stayed within its budget: nothing refused for the limit, no window over it. */
export function expectWithinBudget(
  calls: { at: number; rateLimited: boolean }[],
  budget: { limit: number; windowMs: number },
): void {
  expect(calls.filter((c) => c.rateLimited)).toEqual([]);
  expect(
    maxInAnyWindow(
      calls.map((c) => c.at),
      budget.windowMs,
    ),
  ).toBeLessThanOrEqual(budget.limit);
}
