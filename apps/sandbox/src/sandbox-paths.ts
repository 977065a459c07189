import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const TLS_SUBPATH = join('apps', 'sandbox', 'tls');

/**
 * The `apps/sandbox/tls` folder. The code runs from `apps/sandbox/src` (ts-jest, ts-node) or from a
 * compiled copy that may sit several folders deep under `dist/`, so the folder is searched upwards
 * from this file, then under the working directory.
 */
export function findTlsDir(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const candidate = join(dir, TLS_SUBPATH);
    if (isDirectory(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  return join(process.cwd(), TLS_SUBPATH);
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
