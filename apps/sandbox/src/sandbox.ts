import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoSeed } from './demo-seed';
import { IsalesSimulator } from './isales/isales-simulator';
import { OzonetelSimulator } from './ozonetel/ozonetel-simulator';
import { findTlsDir } from './sandbox-paths';
import { SandboxSeed } from './seed';
import { readSandboxSeed } from './seed-validation';

export * from './seed';
export { createDemoSeed } from './demo-seed';
export { readSandboxSeed } from './seed-validation';
export type { CallRecord } from './shared/call-log';
export type { FaultKind, FaultSpec } from './shared/faults';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** port 0 (the default) takes any free port; tls defaults to the bundled certificate, false serves HTTP. */
  isales?: { port?: number; tls?: { cert: string; key: string } | false };
  /** port 0 (the default) takes any free port. */
  ozonetel?: { port?: number };
  /** Default: the bundled demo seed. */
  seed?: SandboxSeed;
  /** fastify's logger; default false. */
  logger?: boolean;
}

export interface RunningSandbox {
  /** e.g. `https://127.0.0.1:4010`, no trailing slash. */
  isalesUrl: string;
  /** e.g. `http://127.0.0.1:4020`, no trailing slash. */
  ozonetelUrl: string;
  close(): Promise<void>;
}

/** Starts both vendor simulators in this process. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? false;
  // Read through the validator so a bad seed fails here, naming the bad field, not on first use.
  const seed = readSandboxSeed(options.seed ?? createDemoSeed());
  const tlsOption = options.isales?.tls;
  const tls = tlsOption === false ? undefined : (tlsOption ?? loadTlsFiles());

  const isales = new IsalesSimulator({ seed: seed.isales, logger, tls });
  const ozonetel = new OzonetelSimulator({ seed: seed.ozonetel, logger });
  try {
    const isalesUrl = await isales.listen(host, options.isales?.port ?? 0);
    const ozonetelUrl = await ozonetel.listen(host, options.ozonetel?.port ?? 0);
    return {
      isalesUrl,
      ozonetelUrl,
      close: async () => {
        await Promise.all([isales.close(), ozonetel.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([isales.close(), ozonetel.close()]);
    throw error;
  }
}

/** The bundled localhost certificate (`server.pem`, `server-key.pem`), signed by `ca.pem` beside it. */
export function loadTlsFiles(dir: string = findTlsDir()): { cert: string; key: string } {
  return {
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    key: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
  };
}
