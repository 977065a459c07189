import { Queue } from 'bullmq';
import { GatewayProcess } from './gateway-process';

/**
 * The replica whose worker runs an active chunk of the operations queue, found from the job's
 * `processedBy` (the worker's name, host:pid); undefined if none is active within `timeoutMs`.
 */
export async function findChunkHolder(
  redisUrl: string,
  keyPrefix: string,
  replicas: GatewayProcess[],
  timeoutMs = 5000,
): Promise<GatewayProcess | undefined> {
  const queue = new Queue('operations', { connection: { url: redisUrl }, prefix: `${keyPrefix}{bull}` });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const job of await queue.getActive()) {
        const pid = Number(job.processedBy?.split(':').pop());
        const holder = replicas.find((replica) => replica.child.pid === pid);
        if (holder) return holder;
      }
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await queue.close();
  }
}
