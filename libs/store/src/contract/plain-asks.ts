import { GrantRequest, SharingPolicy } from '../ports/rate-limiter';

/** An interactive ask, as the gate makes it, for tests that only count grants. */
export const PLAIN_ASK: GrantRequest = { priority: 'interactive', waiterId: 'plain-ask' };
export const PLAIN_SHARING: SharingPolicy = { spacingMs: 100, interactiveShare: 0, leaseMs: 1000 };
