// `npm start`: the built sandbox vendors and the gateway (in-memory store, bundled sandbox
// configuration) side by side, as two processes, the way they run in a deployment.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { readFileSync } from 'node:fs';

const gatewayMain = 'dist/apps/gateway/apps/gateway/src/main.js';
const sandboxMain = 'dist/apps/sandbox/main.js';
const children = [];

function run(name, script, env, stdout = 'inherit') {
  const child = spawn(process.execPath, [script], {
    stdio: ['inherit', stdout, 'inherit'],
    env: { ...process.env, ...env },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? code}); stopping the rest`);
      stop(typeof code === 'number' && code !== 0 ? code : 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(url, dispatcher) {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const res = await request(url, { dispatcher });
      await res.body.dump();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not come up`);
}

/**
 * The sandbox prints `<vendor> sandbox listening on <url>` for each simulator of its registry, then
 * `sandbox ready`: its lines are passed on, and the URLs it names are the ones waited for, so no
 * vendor is named here.
 */
function sandboxUrls(child) {
  return new Promise((resolve, reject) => {
    const urls = [];
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      console.log(line);
      const listening = / listening on (\S+)$/.exec(line);
      if (listening) urls.push(listening[1]);
      if (line === 'sandbox ready') resolve(urls);
    });
    lines.on('close', () => reject(new Error('the sandbox stopped before it was ready')));
  });
}

const sandbox = run('sandbox', sandboxMain, {}, 'pipe');
const ca = readFileSync('apps/sandbox/tls/ca.pem', 'utf8');
const tlsAgent = new Agent({ connect: { ca } });
for (const url of await sandboxUrls(sandbox)) {
  await waitFor(`${url}/__sandbox/state`, url.startsWith('https:') ? tlsAgent : undefined);
}
run('gateway', gatewayMain, { GATEWAY_CONFIG: '', REDIS_URL: '' });
