import { OzonetelRateLimit } from '../seed';

/**
 * A strict sliding window per key: a call is accepted iff fewer than `limit` calls were accepted in
 * the `windowMs` before it, i.e. at times t with now - windowMs < t <= now. Refused calls are not
 * remembered, so hammering while limited does not extend the wait.
 */
export class SlidingWindowLimiter {
  private readonly accepted = new Map<string, number[]>();

  constructor(private readonly currentLimit: () => OzonetelRateLimit) {}

  tryAcquire(key: string, now: number): boolean {
    const { limit, windowMs } = this.currentLimit();
    const times = (this.accepted.get(key) ?? []).filter((time) => time > now - windowMs);
    const allowed = times.length < limit;
    if (allowed) times.push(now);
    this.accepted.set(key, times);
    return allowed;
  }

  reset(): void {
    this.accepted.clear();
  }
}
