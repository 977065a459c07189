import type { BenchResults } from './main';
import { Cell, table } from '../shared/table';

type LoopFigures = BenchResults['limiter']['serial'];

/** The figures as the text tables printed to stdout. */
export function render(results: BenchResults): string {
  const { machine: m, limiter, windowCheck: w, gateway: g } = results;
  const seconds = (ms: number) => `${ms / 1000} s`;
  const loopRow = (name: string, processes: number, r: LoopFigures): Cell[] => [
    name,
    processes,
    r.concurrency,
    seconds(r.durationMs),
    Math.round(r.grantsPerSecond),
    r.latency.p50Ms,
    r.latency.p99Ms,
  ];
  const count = limiter.processes.length;
  return [
    `Machine: ${m.cpus} × ${m.cpuModel}; ${m.os}; Node ${m.node}; ` +
      `Redis ${m.redisVersion} (${m.redis}); ${m.date}`,
    '',
    table(
      `1-2. RedisRateLimiter.tryAcquire on one key, never refusing ` +
        `(limit ${limiter.limit.limit} per ${limiter.limit.windowMs} ms); latency of one call`,
      ['run', 'processes', 'in flight each', 'for', 'grants/s', 'p50 ms', 'p99 ms'],
      [
        loopRow('one process, serial', 1, limiter.serial),
        loopRow('one process', 1, limiter.oneProcess),
        ...limiter.processes.map((r, i) => loopRow(`process ${i + 1} of ${count}`, 1, r)),
        [`all ${count} together`, count, '', '', Math.round(limiter.processesTotalGrantsPerSecond), '', ''],
      ],
    ),
    table(
      `2b. Window check: ${w.processes} processes × ${w.concurrencyEach} in flight on one key, ` +
        `${w.limit} per ${w.windowMs} ms, for ${seconds(w.durationMs)}, refusals retried at once`,
      ['figure', 'value'],
      [
        ['grants per process', w.grantsPerProcess.join(' / ')],
        ['grants, total', w.grants],
        ['refusals, total', w.refusals],
        ['grants found in Redis', w.grantsSeenInRedis],
        [`most grants in any ${w.windowMs} ms, Redis clock (limit ${w.limit})`, w.maxInWindowRedisClock],
        [`most grants in any ${w.windowMs} ms, reply arrival clock`, w.maxInWindowReplyClock],
        ['verdict', w.ok ? 'OK' : 'FAILED'],
      ],
    ),
    table(
      `3. Gateway end to end: POST /v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete, ` +
        `one number, sequential; ${g.warmup} warm-up, then ${g.blocks} blocks of ${g.blockSize} each, alternating`,
      ['guards', 'requests', 'p50 ms', 'p99 ms'],
      [
        [
          'on: Redis limiter, Idempotency-Key, Redis throttle',
          g.requestsEach,
          g.guardsOn.p50Ms,
          g.guardsOn.p99Ms,
        ],
        [
          'off: always-grant limiter, no key, in-memory throttle',
          g.requestsEach,
          g.guardsOff.p50Ms,
          g.guardsOff.p99Ms,
        ],
        ['added by the guards (on - off)', '', g.addedP50Ms, g.addedP99Ms],
      ],
    ),
  ].join('\n');
}
