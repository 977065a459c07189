/*
 * The provider plugins the gateway registers, one line per vendor (provider-registry.ts reads every
 * export of this module, in this order). `npm run new:provider -- <name>` adds a line here.
 */
export { ISALES_PLUGIN } from '@app/providers/isales';
export { OZONETEL_PLUGIN } from '@app/providers/ozonetel';
