/**
 * The TLS reconnect benchmark: what each new TLS connection to an account with a `caFile` costs in
 * resident memory. A local TLS vendor with the sandbox's private-CA certificate answers every call
 * with `Connection: close`, so each of the 300 calls through the vendor HTTP client opens a new
 * connection. Run from the repository root:
 *
 *   node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tls-reconnect/main.ts
 *
 * (`npm run bench:tls-reconnect`). Figures go to stdout, everything to bench/out/tls-reconnect.json.
 * The exit code is 1 if RSS grew by 40 MiB or more.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, type } from 'node:os';
import { dirname, join } from 'node:path';
import { measureTlsReconnects } from '../../test/support/tls-reconnect';
import { table } from '../shared/table';

const OUT_FILE = join(__dirname, '../out/tls-reconnect.json');
const CALLS = Number(process.env.CALLS ?? 300);
const LIMIT_BYTES = 40 * 1024 * 1024;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    os: `${type()} ${release()} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  };
  const result = await measureTlsReconnects(CALLS);
  const ok = result.rssGrowthBytes < LIMIT_BYTES;
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(
    OUT_FILE,
    `${JSON.stringify({ machine, ...result, limitBytes: LIMIT_BYTES, ok }, null, 2)}\n`,
  );
  process.stdout.write(
    table(
      `TLS reconnects through the vendor HTTP client (caFile set, Connection: close)`,
      ['figure', 'value'],
      [
        ['calls (new TLS connections)', `${result.calls} (${result.connections})`],
        ['warm-up calls before measuring', String(result.warmupCalls)],
        ['global.gc before each reading', result.gcExposed ? 'yes' : 'no (run with --expose-gc)'],
        ['RSS before', mib(result.rssBeforeBytes)],
        ['RSS after', mib(result.rssAfterBytes)],
        [
          'RSS growth',
          `${mib(result.rssGrowthBytes)} (limit ${mib(LIMIT_BYTES)}): ${ok ? 'OK' : 'TOO MUCH'}`,
        ],
        ['RSS growth per connection', `${(result.rssGrowthBytes / result.calls / 1024).toFixed(1)} KiB`],
        [
          'JS heap used before → after',
          `${mib(result.heapUsedBeforeBytes)} → ${mib(result.heapUsedAfterBytes)}`,
        ],
        [
          'JS heap reserved before → after',
          `${mib(result.heapTotalBeforeBytes)} → ${mib(result.heapTotalAfterBytes)}`,
        ],
        ['time for the calls', `${result.durationMs.toFixed(0)} ms`],
      ],
    ),
  );
  process.stdout.write(
    `\n${machine.date} · Node ${machine.node} · ${machine.os} · ${machine.cpus} × ${machine.cpuModel}\n`,
  );
  process.stderr.write(`written ${OUT_FILE}\n`);
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
