import { createDemoSeed, readSandboxSeed, SIMULATORS } from './simulator-registry';

describe('simulator registry', () => {
  it('lists each vendor once, each on its own default port', () => {
    const names = SIMULATORS.map((vendor) => vendor.name);
    expect(new Set(names).size).toBe(names.length);
    const ports = SIMULATORS.map((vendor) => vendor.defaultPort);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it("builds the demo seed from every vendor's own, and reads it back unchanged", () => {
    const seed = createDemoSeed();
    expect(Object.keys(seed).sort()).toEqual(SIMULATORS.map((vendor) => vendor.name).sort());
    expect(readSandboxSeed(seed)).toEqual(seed);
  });

  it("names the vendor's field when its part of a seed is wrong", () => {
    for (const vendor of SIMULATORS) {
      const seed: Record<string, unknown> = { ...createDemoSeed() };
      seed[vendor.name] = 'nope';
      expect(() => readSandboxSeed(seed)).toThrow(vendor.name);
    }
  });
});
