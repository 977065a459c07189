/**
 * How long a bulk caller whose tenant is not in turn waits before asking again: the tenant in turn was
 * told the same grant, so it is about to take it; if it does not, this caller gets it on a later ask.
 */
export const TURN_RETRY_MS = 50;
