import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { ConfigError } from '@app/config';
import { StoreBundle } from '@app/store';
import { ChunkRunner } from '../operations/chunk-runner';
import { stopTelemetry } from '../telemetry/telemetry';
import { Draining } from './draining';
import { HttpDrain } from './http-drain';

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** `SHUTDOWN_GRACE_MS`: how long a shutdown may take, from the signal to the exit. */
export function shutdownGraceFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.SHUTDOWN_GRACE_MS;
  if (raw === undefined || raw === '') return DEFAULT_SHUTDOWN_GRACE_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 3_600_000) {
    throw new ConfigError('SHUTDOWN_GRACE_MS', 'must be a whole number of milliseconds, 100..3600000');
  }
  return ms;
}

/** The part of the grace kept for closing adapters and Redis after the drain. */
const closingReserveMs = (graceMs: number) => Math.min(1000, Math.floor(graceMs / 5));
/** The end of the grace kept for the last log line and the exit. */
const exitReserveMs = (graceMs: number) => Math.min(250, Math.floor(graceMs / 10));

/**
 * On SIGTERM or SIGINT: drain, then close, then exit 0, all within `graceMs`.
 *
 * 1. At once and together: readiness answers 503; the HTTP server answers what is in flight (each
 *    answer closes its connection; idle connections close at once) and stops listening; the chunk
 *    worker takes no more jobs and hands the running chunks back between numbers, due at once, so
 *    another replica goes on with them. Both are bounded by the grace less a closing reserve, after
 *    which the connections still open are closed by force.
 * 2. Then Nest's shutdown: BullMQ's connections, and the adapters with their circuit breakers (each
 *    waits for its vendor calls under way, such as those of requests cut at the deadline).
 * 3. Then the store (Redis), last.
 *
 * One log line says what was drained. Closing is bounded by the rest of the grace too: what has not
 * closed by then goes with the process, which exits 0 either way (1 only on an unexpected error).
 */
export function exitGracefullyOnSignals(
  app: NestFastifyApplication,
  store: StoreBundle,
  http: HttpDrain,
  options: { graceMs: number; log: Logger },
): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return; // a second signal changes nothing: the drain is already bounded
    shuttingDown = true;
    void shutDown(signal, app, store, http, options).then(
      () => process.exit(0),
      (error: unknown) => {
        options.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutDown(
  signal: NodeJS.Signals,
  app: NestFastifyApplication,
  store: StoreBundle,
  http: HttpDrain,
  { graceMs, log }: { graceMs: number; log: Logger },
): Promise<void> {
  const started = Date.now();
  log.info({ signal, graceMs }, `${signal}: shutting down (readiness 503, draining requests and chunks)`);

  const drainDeadline = started + graceMs - closingReserveMs(graceMs);
  const work = app.get(Draining).start();
  const [requests, chunksDrained] = await Promise.all([
    http.drain(drainDeadline),
    Promise.race([work.then(() => true), sleepUntil(drainDeadline).then(() => false)]),
  ]);
  const drainedMs = Date.now() - started;
  const closing = (async () => {
    await app.close(); // BullMQ's connections, the adapters and their circuit breakers
    // The spans still batched for export (the last requests', the drained chunks') go out now: after
    // exit they would be lost.
    await Promise.all([store.close(), stopTelemetry()]);
  })();
  const closed = await Promise.race([
    closing.then(() => true),
    sleepUntil(started + graceMs - exitReserveMs(graceMs)).then(() => false),
  ]);

  const chunksHandedBack = app.get(ChunkRunner).handedBack;
  const ms = Date.now() - started;
  const cut = requests.forceClosed;
  log.info(
    { signal, ms, drainedMs, ...requests, chunksHandedBack, chunksDrained, closed },
    `shut down in ${ms} ms: ${requests.requests} request(s) in flight` +
      (requests.lateRequests ? ` and ${requests.lateRequests} that arrived while draining` : '') +
      (cut ? `, ${cut} connection(s) cut at the deadline` : ', all answered') +
      `; ${requests.connections} connection(s) closed` +
      `; ${chunksHandedBack} running chunk(s) handed back to the queue` +
      (chunksDrained ? '' : ' (some still running at the deadline)') +
      (closed ? '' : '; adapters or Redis had not closed by the end of the grace'),
  );
}

function sleepUntil(atMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())).unref());
}
