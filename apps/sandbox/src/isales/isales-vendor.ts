import { isalesDemoSeed } from '../demo-seed';
import { readIsalesState } from '../seed-validation';
import { defineSimulatedVendor } from '../shared/simulated-vendor';
import { IsalesSimulator } from './isales-simulator';

/** CC-iSales in the sandbox registry: HTTPS (the vendor signs requests over TLS), port 4010. */
export const ISALES_VENDOR = defineSimulatedVendor({
  name: 'isales',
  label: 'iSales',
  defaultPort: 4010,
  tlsByDefault: true,
  demoSeed: isalesDemoSeed,
  readSeed: readIsalesState,
  create: ({ seed, logger, tls }) => new IsalesSimulator({ seed, logger, tls }),
});
