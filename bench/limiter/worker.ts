/**
 * A worker process: its own Redis client and limiter, as a separate gateway replica would have. It
 * connects when told to, then runs each loop job the parent sends and answers with the result.
 */
import { createRedisStore, StoreBundle, waitForRedis } from '@app/store';
import { acquireLoop } from './acquire-loop';
import type { FromWorker, ToWorker } from './protocol';

let store: StoreBundle | undefined;

const answer = (message: FromWorker) => process.send?.(message);

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      store = createRedisStore(message.redisUrl, { keyPrefix: message.keyPrefix });
      if (!(await waitForRedis(store, 5000))) throw new Error('worker could not reach Redis');
      answer({ type: 'ready' });
      return;
    case 'run':
      if (!store) throw new Error('run before init');
      answer({ type: 'result', result: await acquireLoop(store.rateLimiter, message.job) });
      return;
    case 'stop':
      await store?.close();
      process.disconnect();
      return;
  }
}

if (!process.send) throw new Error('worker.ts is started by main.ts (over fork), not directly');
process.on('message', (message: ToWorker) => {
  handle(message).catch((error: unknown) => answer({ type: 'failed', message: String(error) }));
});
// Once the parent is gone (or said stop) there is nothing left to do; the open Redis client would
// otherwise keep this process alive.
process.on('disconnect', () => process.exit(0));
