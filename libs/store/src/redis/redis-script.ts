import type { RedisClient } from './redis-connection';

/**
 * A Lua script the store runs atomically on Redis. `name` becomes a command of the client through
 * ioredis `defineCommand`, which sends EVALSHA and falls back to EVAL when the server lost its script
 * cache (a restart or SCRIPT FLUSH).
 */
export interface RedisScript {
  /** Unique among the client's commands; the `cg` prefix keeps clear of built-in command names. */
  readonly name: string;
  /** How many of the arguments are keys; they come first (KEYS[1..n]), the rest are ARGV. */
  readonly numberOfKeys: number;
  readonly lua: string;
}

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Runs `script` with its keys and arguments, defining it on the client the first time. */
export async function runScript(
  redis: RedisClient,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  if (keys.length !== script.numberOfKeys) {
    throw new Error(`${script.name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
  }
  const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
  if (typeof commands[script.name] !== 'function') {
    redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  return (commands[script.name] as ScriptCommand).call(redis, ...keys, ...args);
}

/** The reply of a script that answers `{ integer, integer }`. */
export function integerPair(reply: unknown, script: RedisScript): [number, number] {
  const pair: unknown[] = Array.isArray(reply) ? reply : [];
  const [first, second] = pair;
  if (pair.length === 2 && typeof first === 'number' && typeof second === 'number') return [first, second];
  throw new Error(`${script.name} answered ${JSON.stringify(reply)}`);
}
