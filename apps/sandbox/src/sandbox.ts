import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTlsDir } from './sandbox-paths';
import { SimulatedVendor, TlsFiles, VendorServer } from './shared/simulated-vendor';
import {
  createDemoSeed,
  readSandboxSeed,
  SandboxSeed,
  SIMULATORS,
  SimulatorName,
} from './simulator-registry';

export * from './seed';
export { createDemoSeed, readSandboxSeed, SIMULATORS } from './simulator-registry';
export type { SandboxSeed, SimulatorName } from './simulator-registry';
export type { CallRecord } from './shared/call-log';
export type { FaultKind, FaultSpec } from './shared/faults';

/** How one simulator listens. */
export interface SimulatorListenOptions {
  /** port 0 (the default) takes any free port. */
  port?: number;
  /** The vendor's default is its `tlsByDefault`, with the bundled certificate; false serves HTTP. */
  tls?: TlsFiles | false;
}

export type SandboxOptions = {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: the bundled demo seed. */
  seed?: SandboxSeed;
  /** fastify's logger; default false. */
  logger?: boolean;
} & { [N in SimulatorName]?: SimulatorListenOptions };

/** Each vendor's base URL, e.g. `isalesUrl: https://127.0.0.1:4010`, no trailing slash. */
export type RunningSandbox = { [N in SimulatorName as `${N}Url`]: string } & {
  /** The same URLs by vendor name. */
  urls: Record<SimulatorName, string>;
  close(): Promise<void>;
};

/** Starts every vendor simulator of the registry in this process. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? false;
  // Read through the validator so a bad seed fails here, naming the bad field, not on first use.
  const seed = readSandboxSeed(options.seed ?? createDemoSeed());
  const servers: VendorServer[] = [];
  const urls = {} as Record<SimulatorName, string>;
  const close = async () => {
    await Promise.allSettled(servers.map((server) => server.close()));
  };
  try {
    for (const vendor of SIMULATORS) {
      const listen: SimulatorListenOptions = options[vendor.name] ?? {};
      const tls =
        listen.tls === false ? undefined : (listen.tls ?? (vendor.tlsByDefault ? loadTlsFiles() : undefined));
      // Each vendor reads its own part of the seed; the union of vendors is one SimulatedVendor here.
      const server = (vendor as SimulatedVendor).create({ seed: seed[vendor.name], logger, tls });
      servers.push(server);
      urls[vendor.name] = await server.listen(host, listen.port ?? 0);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const byName = Object.fromEntries(SIMULATORS.map((vendor) => [`${vendor.name}Url`, urls[vendor.name]]));
  return { ...(byName as { [N in SimulatorName as `${N}Url`]: string }), urls, close };
}

/** The bundled localhost certificate (`server.pem`, `server-key.pem`), signed by `ca.pem` beside it. */
export function loadTlsFiles(dir: string = findTlsDir()): TlsFiles {
  return {
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    key: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
  };
}
