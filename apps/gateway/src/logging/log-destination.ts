import pino, { type DestinationStream } from 'pino';

/** The most log output held while stdout does not drain; past it, lines are dropped. */
export const LOG_BACKLOG_LIMIT_BYTES = 16 * 1024 * 1024;

export interface StdoutLogOptions {
  backlogLimitBytes?: number;
  /** Told once per spell of dropping (the first line dropped after stdout drained again). */
  onDropping?: () => void;
}

/**
 * Standard output for the gateway's log lines, written without blocking: a line goes out at once when
 * no write is under way, and the lines logged meanwhile go out together in the next one, so a busy
 * gateway makes one write for many lines instead of a blocking write for each. A log reader that stops
 * reading cannot stall requests: past `backlogLimitBytes` held, lines are dropped (and stderr says so)
 * rather than the process blocking on a full pipe. What is held is written out when the process exits.
 */
export function stdoutLogDestination(options: StdoutLogOptions = {}): DestinationStream {
  const destination = pino.destination({
    dest: 1,
    sync: false,
    maxLength: options.backlogLimitBytes ?? LOG_BACKLOG_LIMIT_BYTES,
  });
  const onDropping = options.onDropping ?? warnDropping;
  let dropping = false;
  destination.on('drop', () => {
    if (!dropping) onDropping();
    dropping = true;
  });
  destination.on('write', () => {
    dropping = false;
  });
  return destination;
}

function warnDropping(): void {
  process.stderr.write(
    `${JSON.stringify({
      level: 'warn',
      time: new Date().toISOString(),
      msg: 'log lines dropped: stdout is not being read (more than the backlog limit is waiting)',
    })}\n`,
  );
}
