/** Milliseconds since the epoch that never run backwards, so a sliding window cannot be fooled by NTP steps. */
export type Clock = () => number;

export const monotonicEpochMs: Clock = () => Math.floor(performance.timeOrigin + performance.now());
