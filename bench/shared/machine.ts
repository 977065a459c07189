import { cpus, release, type } from 'node:os';
import type { Redis } from 'ioredis';

/** What the figures were measured on; printed and stored with them. */
export interface MachineFacts {
  date: string;
  node: string;
  os: string;
  cpus: number;
  cpuModel: string;
  redisVersion: string;
  /** Never the URL itself: it may hold a password. */
  redis: 'throwaway redis-server' | 'REDIS_URL';
}

export async function machineFacts(redis: Redis, ownsServer: boolean): Promise<MachineFacts> {
  const info = await redis.info('server');
  return {
    date: new Date().toISOString(),
    node: process.version,
    os: `${type()} ${release()} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    redisVersion: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    redis: ownsServer ? 'throwaway redis-server' : 'REDIS_URL',
  };
}
