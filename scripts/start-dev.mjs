// `npm start`: the built sandbox vendors and the gateway (in-memory store, bundled sandbox
// configuration) side by side, as two processes, the way they run in a deployment.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { readFileSync } from 'node:fs';

const gatewayMain = 'dist/apps/gateway/apps/gateway/src/main.js';
const sandboxMain = 'dist/apps/sandbox/main.js';
const children = [];

function run(name, script, env) {
  const child = spawn(process.execPath, [script], { stdio: 'inherit', env: { ...process.env, ...env } });
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

run('sandbox', sandboxMain, {});
const ca = readFileSync('apps/sandbox/tls/ca.pem', 'utf8');
await waitFor(
  `https://127.0.0.1:${process.env.SANDBOX_ISALES_PORT ?? 4010}/__sandbox/state`,
  new Agent({ connect: { ca } }),
);
await waitFor(`http://127.0.0.1:${process.env.SANDBOX_OZONETEL_PORT ?? 4020}/__sandbox/state`);
run('gateway', gatewayMain, { GATEWAY_CONFIG: '', REDIS_URL: '' });
