import { readRecord } from './shared/shape';
import { SimulatedVendor } from './shared/simulated-vendor';
import * as vendors from './simulators';

type Simulators = (typeof vendors)[keyof typeof vendors];

/**
 * Every simulated vendor: the exports of ./simulators. Adding one is its folder (apps/sandbox/src/<name>)
 * and one line there: the sandbox, its process entry point, the demo seed and the test harness all
 * iterate this list.
 */
export const SIMULATORS: readonly Simulators[] = Object.values(vendors);

export type SimulatorName = Simulators['name'];

type SeedOf<V> = V extends SimulatedVendor<string, infer Seed> ? Seed : never;

/** Every vendor's state, under its name. */
export type SandboxSeed = { [V in Simulators as V['name']]: SeedOf<V> };

/** The state `npm start` serves: each vendor's demo seed. */
export function createDemoSeed(): SandboxSeed {
  return Object.fromEntries(SIMULATORS.map((vendor) => [vendor.name, vendor.demoSeed()])) as SandboxSeed;
}

/** Reads a whole seed, each vendor's part by its own reader, naming the first bad field. */
export function readSandboxSeed(value: unknown): SandboxSeed {
  const raw = readRecord(value, 'seed');
  return Object.fromEntries(
    SIMULATORS.map((vendor) => [vendor.name, vendor.readSeed(raw[vendor.name], vendor.name)]),
  ) as SandboxSeed;
}
