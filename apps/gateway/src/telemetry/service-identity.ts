import { readFileSync } from 'node:fs';
import { bundledFile } from '../bundled-files';

/** The name every log line, span and metric of the gateway carries. */
export const SERVICE_NAME = 'campaign-gateway';

/** The package version, read once from package.json (beside the sources, or the built tree's root). */
export const SERVICE_VERSION: string = readVersion();

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(bundledFile('package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
