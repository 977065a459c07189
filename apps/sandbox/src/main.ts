import { readFileSync } from 'node:fs';
import { loadTlsFiles, readSandboxSeed, RunningSandbox, SandboxSeed, startSandbox } from './sandbox';

/**
 * Runs the sandbox as a process. Environment:
 *   SANDBOX_HOST            default 127.0.0.1
 *   SANDBOX_ISALES_PORT     default 4010
 *   SANDBOX_OZONETEL_PORT   default 4020
 *   SANDBOX_ISALES_TLS      "true" (default): HTTPS with the bundled certificate; "false": HTTP
 *   SANDBOX_SEED            path to a seed JSON file; default the bundled demo seed
 */
let sandbox: RunningSandbox | undefined;
let stopping = false;

async function main(): Promise<void> {
  // Registered before starting, so a signal during start-up also ends the process cleanly.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const env = process.env;
  const running = await startSandbox({
    host: env.SANDBOX_HOST ?? '127.0.0.1',
    isales: {
      port: portFrom(env.SANDBOX_ISALES_PORT, 4010, 'SANDBOX_ISALES_PORT'),
      tls: flagFrom(env.SANDBOX_ISALES_TLS, true, 'SANDBOX_ISALES_TLS') ? loadTlsFiles() : false,
    },
    ozonetel: { port: portFrom(env.SANDBOX_OZONETEL_PORT, 4020, 'SANDBOX_OZONETEL_PORT') },
    seed: env.SANDBOX_SEED ? seedFrom(env.SANDBOX_SEED) : undefined,
    logger: false,
  });
  if (stopping) {
    await running.close();
    process.exit(0);
  }
  sandbox = running;
  console.log(`iSales sandbox listening on ${running.isalesUrl}`);
  console.log(`Ozonetel sandbox listening on ${running.ozonetelUrl}`);
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
