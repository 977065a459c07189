import { Cell, table } from '../shared/table';
import type { BenchResults } from './main';

const mb = (bytes: number) => Math.round(bytes / 1_000_000);
const ms = (value: number) => Number(value.toFixed(3));
const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');

/** The figures as text tables: the table, the targets, each round, the machine. */
export function render(results: BenchResults): string {
  const { summary: s, setup, added } = results;
  const row = (name: string, key: 'direct' | 'proxy' | 'gateway', extra: string): Cell[] => [
    name,
    ms(s[key].p50Ms),
    ms(s[key].p99Ms),
    Math.round(s[key].maxReqPerSec),
    s[key].saturatedP50Ms,
    Math.round(s[key].cpuUsPerRequest),
    mb(s[key].idleRssBytes),
    mb(s[key].peakRssBytes),
    extra,
  ];
  const out: string[] = [];
  out.push(
    table(
      `Overhead: medians of ${setup.rounds} rounds; ${setup.rate} req/s on 1 connection for ${setup.rateSeconds} s, ` +
        `max req/s at ${setup.connections} connections for ${setup.saturationSeconds} s, peak RSS after ${setup.soakSeconds} s at ${setup.connections} connections`,
      [
        'target',
        'p50 ms',
        'p99 ms',
        'max req/s',
        'sat. p50 ms',
        'CPU µs/req',
        'idle RSS MB',
        'peak RSS MB',
        '',
      ],
      [
        row('direct to the upstream', 'direct', ''),
        row('bare Fastify proxy', 'proxy', ''),
        row('gateway with Redis', 'gateway', `${results.throughputVsProxy.toFixed(2)}x the proxy`),
      ],
    ),
  );
  out.push(
    table(
      'Added over direct, at 500 req/s',
      ['target', 'p50 ms', 'p99 ms'],
      [
        ['bare Fastify proxy', ms(added.proxy.p50Ms), ms(added.proxy.p99Ms)],
        ['gateway', ms(added.gateway.p50Ms), ms(added.gateway.p99Ms)],
      ],
    ),
  );
  const t = results.targets;
  out.push(
    table(
      "Issue 8's targets",
      ['figure', 'now', 'target', ''],
      [
        [
          'throughput at saturation vs the bare proxy',
          `${results.throughputVsProxy.toFixed(2)}x`,
          `>= ${t.throughputVsProxy}x`,
          met(results.verdicts.throughput),
        ],
        [
          'added latency vs direct at 500 req/s, p50 / p99',
          `${ms(added.gateway.p50Ms)} / ${ms(added.gateway.p99Ms)} ms`,
          `<= ${t.addedP50Ms} / <= ${t.addedP99Ms} ms`,
          met(results.verdicts.latency),
        ],
        [
          `peak RSS after ${setup.soakSeconds} s at saturation`,
          `${mb(s.gateway.peakRssBytes)} MB`,
          `<= ${mb(t.peakRssBytes)} MB`,
          met(results.verdicts.memory),
        ],
      ],
    ),
  );
  const rounds: Cell[][] = [];
  for (const name of ['direct', 'proxy', 'gateway'] as const) {
    results.rounds[name].fixedRate.forEach((r, i) => {
      const sat = results.rounds[name].saturation[i];
      rounds.push([
        name,
        i + 1,
        Math.round(r.reqPerSec),
        ms(r.p50Ms),
        ms(r.p99Ms),
        Math.round(sat.reqPerSec),
        sat.p50Ms,
        sat.p99Ms,
        Math.round(sat.cpuUsPerRequest),
      ]);
    });
  }
  out.push(
    table(
      'Each round',
      [
        'target',
        'round',
        'req/s (fixed)',
        'p50 ms',
        'p99 ms',
        'max req/s',
        'sat. p50 ms',
        'sat. p99 ms',
        'CPU µs/req',
      ],
      rounds,
    ),
  );
  out.push(
    table(
      `Soak (${setup.soakSeconds} s at ${setup.connections} connections)`,
      ['target', 'req/s', 'peak RSS MB', 'RSS at the end MB'],
      (['direct', 'proxy', 'gateway'] as const).map((name) => [
        name,
        Math.round(results.soak[name].reqPerSec),
        mb(results.soak[name].peakRssBytes),
        mb(results.soak[name].endRssBytes),
      ]),
    ),
  );
  out.push(
    table(
      'Load average (1, 5, 15 min) of the machine, which others share',
      ['when', 'load'],
      results.loadAverages.map((l) => [l.at, l.load.join(' / ')]),
    ),
  );
  const m = results.machine;
  out.push(
    table(
      'Machine',
      ['fact', 'value'],
      [
        ['date', m.date],
        ['cpus', `${m.cpus} x ${m.cpuModel}`],
        ['os', m.os],
        ['node', m.node],
        ['redis', `${m.redisVersion} (${m.redis})`],
        ['gateway', results.gateway],
        ['span export (OVERHEAD_OTEL)', spanExportText(results.spanExport)],
        ['gateway log lines per request', results.gatewayLogLinesPerRequest.toFixed(2)],
      ],
    ),
  );
  return out.join('\n');
}

function spanExportText({ kind, received }: BenchResults['spanExport']): string {
  if (kind === 'none') return 'none (spans made and propagated, not exported)';
  const got = received
    ? `${received.exports} exports, ${(received.bytes / 1_000_000).toFixed(1)} MB received`
    : 'nothing received';
  return `OTLP/HTTP protobuf to a stand-in collector (${got})`;
}
