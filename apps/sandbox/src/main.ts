import { readFileSync } from 'node:fs';
import {
  loadTlsFiles,
  readSandboxSeed,
  RunningSandbox,
  SandboxOptions,
  SandboxSeed,
  SIMULATORS,
  startSandbox,
} from './sandbox';

/**
 * Runs the sandbox as a process. Environment:
 *   SANDBOX_HOST            default 127.0.0.1
 *   SANDBOX_<NAME>_PORT     per simulated vendor (SANDBOX_ISALES_PORT ...); default its defaultPort
 *                           (iSales 4010, Ozonetel 4020)
 *   SANDBOX_<NAME>_TLS      "true": HTTPS with the bundled certificate; "false": HTTP; default the
 *                           vendor's tlsByDefault (iSales true, Ozonetel false)
 *   SANDBOX_SEED            path to a seed JSON file; default the bundled demo seed
 * Prints one line per vendor, `<label> sandbox listening on <url>`, then `sandbox ready`.
 */
let sandbox: RunningSandbox | undefined;
let stopping = false;

async function main(): Promise<void> {
  // Registered before starting, so a signal during start-up also ends the process cleanly.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const env = process.env;
  const options: SandboxOptions = {
    host: env.SANDBOX_HOST ?? '127.0.0.1',
    seed: env.SANDBOX_SEED ? seedFrom(env.SANDBOX_SEED) : undefined,
    logger: false,
  };
  for (const vendor of SIMULATORS) {
    const prefix = `SANDBOX_${vendor.name.toUpperCase()}`;
    options[vendor.name] = {
      port: portFrom(env[`${prefix}_PORT`], vendor.defaultPort, `${prefix}_PORT`),
      tls: flagFrom(env[`${prefix}_TLS`], vendor.tlsByDefault, `${prefix}_TLS`) ? loadTlsFiles() : false,
    };
  }
  const running = await startSandbox(options);
  if (stopping) {
    await running.close();
    process.exit(0);
  }
  sandbox = running;
  for (const vendor of SIMULATORS)
    console.log(`${vendor.label} sandbox listening on ${running.urls[vendor.name]}`);
  // scripts/start-dev.mjs waits for this line, then for each URL above.
  console.log('sandbox ready');
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  // Still starting: main() closes what it opened once the servers are up.
  if (sandbox === undefined) return;
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number`);
  return port;
}

function flagFrom(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`${name} must be "true" or "false"`);
}

function seedFrom(path: string): SandboxSeed {
  return readSandboxSeed(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
