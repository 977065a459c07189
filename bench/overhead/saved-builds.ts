/**
 * `npm run bench:overhead:save-build -- <name>`: builds the gateway (nest build gateway) and keeps the
 * build as bench/out/builds/<name>, for `npm run bench:overhead:ab` to run beside others. The copy stays
 * inside the repository so that its requires still find node_modules.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildGateway } from './processes';

const BUILDS = join(__dirname, '../out/builds');

/** The main.js of a saved build (the layout of dist/apps/gateway). */
export const savedBuildEntry = (name: string): string =>
  join(BUILDS, checkedName(name), 'apps/gateway/src/main.js');

function checkedName(name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`a build name is letters, digits, "_", "-" or ".": ${name}`);
  return name;
}

if (require.main === module) {
  const name = checkedName(process.argv[2] ?? '');
  buildGateway();
  rmSync(join(BUILDS, name), { recursive: true, force: true });
  cpSync(join(__dirname, '../../dist/apps/gateway'), join(BUILDS, name), { recursive: true });
  process.stderr.write(`saved the build as ${join(BUILDS, name)}\n`);
}
