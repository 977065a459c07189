import { CallContext } from './provider';

/**
 * Every request an adapter sends to its vendor runs through the account's gate: the gate waits for
 * the account's share of the vendor's rate budget and, when the vendor answers that it is over its
 * limit anyway (a GatewayError `provider_rate_limited` with `notProcessed`), pauses the account and
 * sends the call again while the caller's deadline allows.
 */
export interface VendorCallGate {
  run<T>(ctx: CallContext, call: () => Promise<T>): Promise<T>;
}

/** A gate that lets everything through; for unit tests of adapters only. */
export const OPEN_GATE: VendorCallGate = { run: (_ctx, call) => call() };
