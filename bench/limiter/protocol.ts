import type { LoopJob, LoopResult } from './acquire-loop';

/** Messages between main.ts and worker.ts over the fork's IPC channel, one answer per request. */
export type ToWorker =
  /** Sent once; the URL goes over IPC rather than argv so a password in it never shows in `ps`. */
  { type: 'init'; redisUrl: string; keyPrefix: string } | { type: 'run'; job: LoopJob } | { type: 'stop' };

export type FromWorker =
  { type: 'ready' } | { type: 'result'; result: LoopResult } | { type: 'failed'; message: string };
