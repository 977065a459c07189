import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  freePort,
  GatewayProcess,
  startGatewayProcess,
  writeConfigFile,
} from '../../test/support/gateway-process';

/** How long a replica gets to finish its chunks and exit on SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 10_000;

export interface ReplicaOptions {
  /** A configuration file from `writeReplicaConfig`. */
  configFile: string;
  redisUrl: string;
  /** Every replica of one deployment shares the prefix, so they share budget and queue. */
  keyPrefix: string;
}

/** Replicas still running when the benchmark exits are killed, so none outlives a crashed run. */
const running = new Set<GatewayProcess>();
process.once('exit', () => running.forEach((replica) => replica.child.kill('SIGKILL')));

export const writeReplicaConfig = (config: unknown): string => writeConfigFile(config);

/** Removes the temporary directory `writeReplicaConfig` made. */
export const removeReplicaConfig = (configFile: string): void =>
  rmSync(dirname(configFile), { recursive: true, force: true });

/**
 * Gateway processes (apps/gateway/src/main.ts, each with its own memory, Redis connections and BullMQ
 * worker) on one Redis, started together; resolves once every one answers /health/live.
 */
export async function startReplicas(count: number, options: ReplicaOptions): Promise<GatewayProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const replica = await startGatewayProcess({
        PORT: String(await freePort()),
        GATEWAY_CONFIG: options.configFile,
        REDIS_URL: options.redisUrl,
        REDIS_KEY_PREFIX: options.keyPrefix,
        LOG_LEVEL: 'warn',
      });
      running.add(replica);
      return replica;
    }),
  );
}

/** SIGTERM, as an orchestrator would; SIGKILL for any that has not exited in time. */
export async function stopReplicas(replicas: readonly GatewayProcess[]): Promise<void> {
  await Promise.all(
    replicas.map(async (replica) => {
      const timer = setTimeout(() => replica.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await replica.stop();
      clearTimeout(timer);
      running.delete(replica);
    }),
  );
}
