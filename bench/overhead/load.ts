import autocannon from 'autocannon';
import { summarize } from '../shared/stats';

/** What the load generator sends to one target. */
export interface Target {
  name: 'direct' | 'proxy' | 'gateway';
  url: string;
  method: 'PUT' | 'POST';
  path: string;
  headers: Record<string, string>;
}

export interface FixedRateRun {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface SaturationRun {
  requests: number;
  reqPerSec: number;
  /** autocannon's own latency figures (whole milliseconds: its histogram holds integers). */
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

function run(
  target: Target,
  options: Omit<autocannon.Options, 'url'>,
  onResponse?: (ms: number, status: number) => void,
) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.url}${target.path}`,
        method: target.method,
        headers: target.headers,
        timeout: 10,
        ...options,
      },
      (error: unknown, result) =>
        error
          ? reject(error instanceof Error ? error : new Error(`autocannon: ${JSON.stringify(error)}`))
          : resolve(result),
    );
    if (onResponse) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) =>
        onResponse(responseTime, statusCode),
      );
    }
  });
}

/**
 * `rate` requests per second on one connection for `seconds`. autocannon paces by the second: each
 * second it sends the second's requests one after another, then waits for the next second, so a
 * request never queues behind another and its latency is the hop's own. The latencies are taken from
 * autocannon's per-response event in fractional milliseconds, since its histogram keeps whole ones.
 */
export async function fixedRate(target: Target, rate: number, seconds: number): Promise<FixedRateRun> {
  const latencies: number[] = [];
  const result = await run(target, { connections: 1, overallRate: rate, duration: seconds }, (ms, status) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const summary = summarize(latencies);
  return {
    requests: result.requests.total,
    reqPerSec: result.requests.total / seconds,
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** As many requests as `connections` keep-alive connections get answered, one in flight on each. */
export async function saturate(target: Target, connections: number, seconds: number): Promise<SaturationRun> {
  const result = await run(target, { connections, duration: seconds });
  const ok = result['2xx'];
  return {
    requests: ok,
    reqPerSec: ok / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
