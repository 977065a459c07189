import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { LoopJob, LoopResult } from './acquire-loop';
import type { FromWorker, ToWorker } from './protocol';

const ROOT = join(__dirname, '../..');

/** How far ahead a shared start is set, so every worker has the job before the start. */
const START_LEAD_MS = 300;

/**
 * Worker processes kept for the whole run, so the cost of starting ts-node is paid once and every
 * job starts all of them at the same instant.
 */
export class WorkerPool {
  private constructor(private readonly workers: ChildProcess[]) {}

  static async start(count: number, redisUrl: string, keyPrefix: string): Promise<WorkerPool> {
    const workers = Array.from({ length: count }, () =>
      fork(join(__dirname, 'worker.ts'), [], {
        cwd: ROOT,
        execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      }),
    );
    const pool = new WorkerPool(workers);
    try {
      await Promise.all(workers.map((worker) => request(worker, { type: 'init', redisUrl, keyPrefix })));
    } catch (error) {
      pool.kill();
      throw error;
    }
    return pool;
  }

  /** Runs the same job in every worker, starting together; one result per worker. */
  async run(job: Omit<LoopJob, 'startAt'>): Promise<LoopResult[]> {
    const startAt = Date.now() + START_LEAD_MS;
    const answers = await Promise.all(
      this.workers.map((worker) => request(worker, { type: 'run', job: { ...job, startAt } })),
    );
    return answers.map((message) => {
      if (message.type !== 'result') throw new Error(`worker answered ${message.type}`);
      return message.result;
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        if (worker.exitCode !== null || !worker.connected) return;
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.send({ type: 'stop' } satisfies ToWorker);
        await exited;
      }),
    );
  }

  /** For the error path: ends only the processes this pool started. */
  kill(): void {
    for (const worker of this.workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  }
}

/** Sends one message and waits for the worker's answer; fails if it answers `failed` or exits first. */
function request(worker: ChildProcess, message: ToWorker): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: FromWorker) => {
      cleanup();
      if (reply.type === 'failed') reject(new Error(`worker ${worker.pid}: ${reply.message}`));
      else resolve(reply);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker ${worker.pid} exited (${code}) before answering ${message.type}`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.send(message);
  });
}
