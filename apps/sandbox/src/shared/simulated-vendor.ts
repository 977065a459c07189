/** PEM contents of a certificate and its key. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/** A simulator once created: it serves on a port until closed. */
export interface VendorServer {
  /** Resolves with the base URL (no trailing slash). */
  listen(host: string, port: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * One simulated vendor, as the sandbox registry (simulators.ts) lists it: everything the sandbox, its
 * process entry point and the test harness need to run it without knowing which vendor it is.
 */
export interface SimulatedVendor<Name extends string = string, Seed = unknown> {
  /** The vendor's name, as the gateway's provider registry knows it; the seed's key. */
  readonly name: Name;
  /** How the start-up line names it. */
  readonly label: string;
  /** Its port when the sandbox runs as a process (`SANDBOX_<NAME>_PORT` overrides). */
  readonly defaultPort: number;
  /** Serves HTTPS with the bundled certificate unless told otherwise (`SANDBOX_<NAME>_TLS`). */
  readonly tlsByDefault: boolean;
  /** The state `npm start` serves. A function, so no caller can mutate a shared copy. */
  demoSeed(): Seed;
  /** Reads a seed, throwing a ShapeError naming the field (under `path`) when it has not the shape. */
  readSeed(value: unknown, path: string): Seed;
  create(options: { seed: Seed; logger: boolean; tls?: TlsFiles }): VendorServer;
}

/** A simulator definition with its own name and seed types kept (the registry derives types from them). */
export function defineSimulatedVendor<Name extends string, Seed>(
  vendor: SimulatedVendor<Name, Seed>,
): SimulatedVendor<Name, Seed> {
  return vendor;
}
