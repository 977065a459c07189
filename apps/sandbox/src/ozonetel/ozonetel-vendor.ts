import { ozonetelDemoSeed } from '../demo-seed';
import { readOzonetelState } from '../seed-validation';
import { defineSimulatedVendor } from '../shared/simulated-vendor';
import { OzonetelSimulator } from './ozonetel-simulator';

/** CloudAgent in the sandbox registry: plain HTTP, port 4020. */
export const OZONETEL_VENDOR = defineSimulatedVendor({
  name: 'ozonetel',
  label: 'Ozonetel',
  defaultPort: 4020,
  tlsByDefault: false,
  demoSeed: ozonetelDemoSeed,
  readSeed: readOzonetelState,
  // Ozonetel's simulator speaks plain HTTP only.
  create: ({ seed, logger }) => new OzonetelSimulator({ seed, logger }),
});
