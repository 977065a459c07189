import { randomUUID } from 'node:crypto';
import { GrantRequest, SharingPolicy } from '../ports/rate-limiter';

/** An interactive ask, as the gate makes it (a fresh id each), for tests that only count grants. */
export const plainAsk = (): GrantRequest => ({ priority: 'interactive', id: randomUUID() });
export const PLAIN_SHARING: SharingPolicy = { spacingMs: 100, interactiveShare: 0, leaseMs: 1000 };
