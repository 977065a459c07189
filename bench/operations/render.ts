import { Cell, table } from '../shared/table';
import { SLOW_BUDGET, TINY_BUDGET } from './configs';
import type { BenchResults } from './main';

const MIB = 1024 * 1024;
const mib = (bytes: number) => bytes / MIB;
const count = (n: number) => n.toLocaleString('en-US');

type Core = Pick<BenchResults, 'machine'> & {
  [K in 'accept' | 'completed' | 'efficiency' | 'interactive' | 'headOfLine']: NonNullable<BenchResults[K]>;
};

/** The figures as the text tables printed to stdout (of the phases that ran: BENCH_PHASES). */
export function render(results: BenchResults): string {
  const { machine: m, accept, completed, efficiency, interactive, headOfLine, bulkDelete } = results;
  const parts: string[] = [];
  if (accept && completed && efficiency && interactive && headOfLine) {
    parts.push(renderCore({ machine: m, accept, completed, efficiency, interactive, headOfLine }));
  } else {
    parts.push(
      `Machine: ${m.cpus} × ${m.cpuModel}; ${m.os}; Node ${m.node}; ` +
        `Redis ${m.redisVersion} (${m.redis}); ${m.date}`,
      '',
    );
  }
  if (bulkDelete) parts.push(renderBulkDelete(bulkDelete));
  return parts.join('\n');
}

function renderBulkDelete(bulk: NonNullable<BenchResults['bulkDelete']>): string {
  const per = (limit: { limit: number; windowMs: number }) => `${limit.limit} per ${limit.windowMs / 1000} s`;
  return table(
    `6. Ozonetel at its real budgets (deleteCampaignData ${per(bulk.single)}, DeleteBulkData ${per(bulk.bulk)} ` +
      `× 100 numbers, one at a time), time-scaled ×${bulk.timeScale} (a real minute is ` +
      `${60 / bulk.timeScale} s here), one gateway process on Redis; ${bulk.runs[0]?.numbers ?? 0} numbers`,
    ['figure', ...bulk.runs.map((r) => (r.bulkDelete ? 'bulkDelete on' : 'bulkDelete off'))],
    [
      ['numbers per real minute', ...bulk.runs.map((r) => r.perRealMinute)],
      ['run time (scaled), creation to completion', ...bulk.runs.map((r) => `${count(r.elapsedMs)} ms`)],
      [
        'the same in real time',
        ...bulk.runs.map((r) => `${((r.elapsedMs * bulk.timeScale) / 60_000).toFixed(1)} min`),
      ],
      ['deleteCampaignData calls', ...bulk.runs.map((r) => r.singleCalls)],
      [
        'DeleteBulkData calls (numbers in them)',
        ...bulk.runs.map((r) => `${r.bulkCalls} (${r.numbersViaBatch})`),
      ],
      ['most single calls in any window', ...bulk.runs.map((r) => r.maxSingleInWindow)],
      ['most bulk calls in any window', ...bulk.runs.map((r) => r.maxBulkInWindow)],
      [
        'vendor 429s / batches refused as busy',
        ...bulk.runs.map((r) => `${r.vendor429s} / ${r.bulkRefusedBusy}`),
      ],
      ['most batches processed at once', ...bulk.runs.map((r) => r.maxBatchesAtOnce)],
    ],
  );
}

function renderCore(results: Core): string {
  const { machine: m, accept, completed, efficiency, interactive, headOfLine } = results;
  const body = accept.runs[0].bodyBytes;
  const med = accept.medians;
  return [
    `Machine: ${m.cpus} × ${m.cpuModel}; ${m.os}; Node ${m.node}; ` +
      `Redis ${m.redisVersion} (${m.redis}); ${m.date}`,
    '',
    table(
      `1. Accepting ${count(accept.numbers)} numbers (body ${count(body)} bytes, ` +
        `${(body / accept.numbers).toFixed(1)} per number): one gateway process on Redis, ` +
        `account budget ${TINY_BUDGET.limit} call per ${TINY_BUDGET.windowMs / 3_600_000} h; ` +
        `RSS sampled every ${accept.sampleEveryMs} ms; peak = the higher of VmHWM and the samples`,
      [
        'run',
        '202 after ms',
        'RSS before MiB',
        'peak RSS MiB',
        'peak - before MiB',
        'Redis used_memory + MiB',
        'operation keys MiB',
      ],
      [
        ...accept.runs.map((r, i): Cell[] => [
          String(i + 1),
          r.acceptMs,
          mib(r.rssBeforeBytes),
          mib(r.peakRssBytes),
          mib(r.peakRssBytes - r.rssBeforeBytes),
          mib(r.redisUsedAfterBytes - r.redisUsedBeforeBytes),
          mib(r.footprint.keysBytes),
        ]),
        [
          'median',
          med.acceptMs,
          mib(med.rssBeforeBytes),
          mib(med.peakRssBytes),
          mib(med.peakAboveBaselineBytes),
          mib(med.redisUsedDeltaBytes),
          mib(med.operationKeysBytes),
        ],
      ],
    ),
    table(
      `2. ${count(completed.numbers)} numbers run to the end at an open budget, ` +
        `then what Redis keeps of the operation`,
      ['figure', 'value'],
      [
        ['run time, creation to completion', `${count(completed.runMs)} ms`],
        ['numbers per second', Math.round(completed.numbers / (completed.runMs / 1000))],
        [
          'outcomes: deleted / not found / failed',
          `${count(completed.progress.deleted)} / ${count(completed.progress.notFound)} / ` +
            `${count(completed.progress.failed)}`,
        ],
        [
          'Redis used_memory, before the 202 to completion',
          bytesAndPerNumber(
            completed.redisUsedAfterBytes - completed.redisUsedBeforeBytes,
            completed.numbers,
          ),
        ],
        [
          'operation keys (MEMORY USAGE)',
          bytesAndPerNumber(completed.footprint.keysBytes, completed.numbers),
        ],
        [
          `BullMQ chunk jobs kept (${completed.footprint.chunkJobs})`,
          bytesAndPerNumber(completed.footprint.chunkJobsBytes, completed.numbers),
        ],
      ],
    ),
    table(
      "2b. The operation's keys by part: right after the 202 (1, run 1) and once completed (2)",
      ['key', 'accepted: bytes', 'per number', 'completed: bytes', 'per number'],
      keyRows(accept.runs[0].footprint.keys, accept.numbers, completed.footprint.keys, completed.numbers),
    ),
    table(
      `3. Budget efficiency: ${efficiency.runs[0].numbers} numbers at ` +
        `${efficiency.budget.limit} per ${efficiency.budget.windowMs} ms, bulk alone (every grant is ` +
        `bulk work's); elapsed = creation to completion; target elapsed / minimum ≤ 1.05`,
      [
        'replicas',
        'elapsed ms',
        'minimum ms',
        'elapsed / minimum',
        'vendor calls',
        `most in any ${efficiency.budget.windowMs} ms`,
        'vendor 429s',
        'chunks per replica',
      ],
      efficiency.runs.map((r) => [
        r.replicas,
        r.elapsedMs,
        r.theoreticalMinimumMs,
        r.ratio,
        r.vendorCalls,
        r.maxInAnyWindow,
        r.vendor429s,
        r.chunksPerReplica.join(' / '),
      ]),
    ),
    table(
      `4. ${interactive.calls} single deletes during a bulk run (3 replicas, ${efficiency.budget.limit} per ` +
        `${efficiency.budget.windowMs} ms): from sending to the vendor receiving the number; ` +
        `target p99 ≤ spacing + 100 = ${interactive.spacingMs + 100} ms`,
      ['figure', 'value'],
      [
        ['spacing (window / limit)', `${interactive.spacingMs} ms`],
        ['p50', `${interactive.p50Ms} ms`],
        ['p99', `${interactive.p99Ms} ms`],
        ['max', `${interactive.maxMs} ms`],
        [
          'first call after the bulk run filled a window (not counted above)',
          `${interactive.firstCallMs} ms`,
        ],
        [`most vendor calls in any ${efficiency.budget.windowMs} ms`, interactive.maxInAnyWindow],
        ['vendor 429s', interactive.vendor429s],
      ],
    ),
    table(
      `5. Head of line: 2 chunk workers, four operations waiting on two accounts allowing ` +
        `${SLOW_BUDGET.limit} call per ${SLOW_BUDGET.windowMs / 1000} s, then a 3-number iSales operation`,
      ['figure', 'value'],
      [
        ['iSales operation alone, creation to completion', `${headOfLine.aloneMs} ms`],
        ['the same behind the four', `${headOfLine.behindSlowAccountsMs} ms`],
        ['of the four, still running when it completed', headOfLine.slowOperationsStillRunning],
      ],
    ),
  ].join('\n');
}

function bytesAndPerNumber(bytes: number, numbers: number): string {
  return `${mib(bytes).toFixed(2)} MiB (${(bytes / numbers).toFixed(1)} bytes per number)`;
}

/** One row per key part seen in either footprint, with bytes and bytes per number. */
function keyRows(
  accepted: Record<string, number>,
  acceptedNumbers: number,
  done: Record<string, number>,
  doneNumbers: number,
): Cell[][] {
  const parts = [...new Set([...Object.keys(accepted), ...Object.keys(done)])];
  const cells = (bytes: number | undefined, numbers: number): Cell[] =>
    bytes === undefined ? ['-', '-'] : [bytes, bytes / numbers];
  const total = (keys: Record<string, number>) => Object.values(keys).reduce((a, b) => a + b, 0);
  return [
    ...parts.map((part) => [
      part,
      ...cells(accepted[part], acceptedNumbers),
      ...cells(done[part], doneNumbers),
    ]),
    ['all', ...cells(total(accepted), acceptedNumbers), ...cells(total(done), doneNumbers)],
  ];
}
