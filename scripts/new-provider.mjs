// `npm run new:provider -- <name>`: scaffolds a vendor from scripts/provider-template — its provider
// library (libs/providers/<name>), its sandbox simulator (apps/sandbox/src/<name>), the provider
// contract wired in and one end-to-end smoke test — and registers both with one line each, in
// apps/gateway/src/providers/plugins.ts and apps/sandbox/src/simulators.ts. It writes no other file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEMPLATE = join(ROOT, 'scripts', 'provider-template');
const GATEWAY_REGISTRY = join(ROOT, 'apps', 'gateway', 'src', 'providers', 'plugins.ts');
const SANDBOX_REGISTRY = join(ROOT, 'apps', 'sandbox', 'src', 'simulators.ts');

function fail(message) {
  console.error(`new:provider: ${message}`);
  process.exit(1);
}

const name = process.argv[2];
// The name becomes identifiers (ACME_PLUGIN, sandbox.acmeUrl) and a folder: lower-case letters and
// digits only, so every one of those is valid as it stands.
if (!name || !/^[a-z][a-z0-9]{1,30}$/.test(name)) {
  fail(
    'give a vendor name of 2 to 31 lower-case letters and digits, starting with a letter: npm run new:provider -- acme',
  );
}
if (
  name === 'kit' ||
  existsSync(join(ROOT, 'libs', 'providers', name)) ||
  existsSync(join(ROOT, 'apps', 'sandbox', 'src', name))
) {
  fail(`${name} exists already (libs/providers/${name} or apps/sandbox/src/${name})`);
}

/** The next free default sandbox port, ten above the highest one a simulator takes. */
function nextSandboxPort() {
  const ports = [];
  const sandbox = join(ROOT, 'apps', 'sandbox', 'src');
  for (const folder of readdirSync(sandbox, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(sandbox, folder.name))) {
      if (!file.endsWith('-vendor.ts')) continue;
      const match = /defaultPort:\s*(\d+)/.exec(readFileSync(join(sandbox, folder.name, file), 'utf8'));
      if (match) ports.push(Number(match[1]));
    }
  }
  return Math.max(4000, ...ports) + 10;
}

const values = {
  __NAME__: name.toUpperCase(),
  __Name__: name[0].toUpperCase() + name.slice(1),
  __name__: name,
  __PORT__: String(nextSandboxPort()),
};

const fill = (text) => Object.entries(values).reduce((out, [key, value]) => out.split(key).join(value), text);

/** Template folder → where its files go. */
const targets = [
  ['lib', join('libs', 'providers', name, 'src')],
  ['sandbox', join('apps', 'sandbox', 'src', name)],
  ['test', 'test'],
];

const written = [];
for (const [from, to] of targets) {
  for (const file of readdirSync(join(TEMPLATE, from))) {
    if (!file.endsWith('.tmpl')) continue;
    let target = join(ROOT, to, fill(file.slice(0, -'.tmpl'.length)));
    // The README belongs to the library folder, beside src/.
    if (file === 'README.md.tmpl') target = join(ROOT, 'libs', 'providers', name, 'README.md');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fill(readFileSync(join(TEMPLATE, from, file), 'utf8')), { flag: 'wx' });
    written.push(target);
  }
}

/** Adds one line to a registry, after its last line of the same form. */
function register(file, line) {
  const text = readFileSync(file, 'utf8');
  if (text.includes(line)) fail(`${relative(ROOT, file)} already has ${line}`);
  const lines = text.split('\n');
  const last = lines.findLastIndex((l) => l.startsWith('export {'));
  if (last < 0) fail(`${relative(ROOT, file)} has no export line to add to`);
  lines.splice(last + 1, 0, line);
  writeFileSync(file, lines.join('\n'));
}

register(GATEWAY_REGISTRY, `export { ${values.__NAME__}_PLUGIN } from '@app/providers/${name}';`);
register(SANDBOX_REGISTRY, `export { ${values.__NAME__}_VENDOR } from './${name}/${name}-vendor';`);

// The templates are written for any name; prettier settles the line lengths a given name makes.
const prettier = spawnSync(
  join(ROOT, 'node_modules', '.bin', 'prettier'),
  ['--write', '--log-level', 'warn', ...written],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
if (prettier.status !== 0) fail('prettier could not format the new files');

console.log(`Scaffolded ${name}:`);
for (const file of written) console.log(`  ${relative(ROOT, file)}`);
console.log(`Registered in ${relative(ROOT, GATEWAY_REGISTRY)} and ${relative(ROOT, SANDBOX_REGISTRY)}.`);
console.log(
  `Next: libs/providers/${name}/README.md says what to fill in; \`npx jest ${name}\` runs its tests.`,
);
