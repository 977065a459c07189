import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds a file shipped with the repository (the sandbox configuration, its CA) from wherever this
 * code runs: `apps/gateway/src` under ts-jest, or `dist/apps/gateway/...` once built.
 */
export function bundledFile(relativePath: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, relativePath);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  return join(process.cwd(), relativePath);
}
