/*
 * The simulated vendors, one line per vendor (simulator-registry.ts reads every export of this module,
 * in this order). `npm run new:provider -- <name>` adds a line here.
 */
export { ISALES_VENDOR } from './isales/isales-vendor';
export { OZONETEL_VENDOR } from './ozonetel/ozonetel-vendor';
