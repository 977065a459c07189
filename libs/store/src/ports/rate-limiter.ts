import { RateLimit } from '@app/core';

export type AcquireResult = { granted: true } | { granted: false; retryAfterMs: number };

/**
 * Who is asking for a grant. Interactive calls (a caller waits on the answer) come first: while one is
 * waiting, bulk work leaves it the next grant that frees. Bulk work takes every grant no interactive
 * call is waiting for, and bulk callers of different tenants take turns, grant by grant.
 */
export type GrantRequest =
  | {
      priority: 'interactive';
      /**
       * Unique per call asking: the grant's id once granted, and while refused the id it is registered
       * as waiting under.
       */
      id: string;
    }
  | {
      priority: 'bulk';
      /** Unique per call asking: the grant's id once granted. */
      id: string;
      /** Who bulk grants are shared between, evenly (a client id); bulk work of one tenant shares its turns. */
      tenant: string;
    };

/** How a limiter shares one window between interactive calls and bulk work. */
export interface SharingPolicy {
  /**
   * The spacing interactive calls can count on while they keep coming (`windowMs / limit` of the
   * configured budget): when an interactive call was seen within the last window, bulk work fills the
   * window's last free grant only if a grant frees within this time, so a new interactive call never
   * waits longer than this for a grant. While they were seen, bulk work also takes no grant within this
   * time of the newest grant, so its grants spread over the window instead of coming in bursts (a burst
   * frees all at once a window later, and an interactive call that comes right after the one free grant
   * was taken would wait for that whole gap).
   */
  spacingMs: number;
  /** Share of the window bulk work leaves free while interactive calls were seen in the last window (0..0.9). */
  interactiveShare: number;
  /**
   * How long a refused caller stays registered (an interactive call as waiting, a bulk tenant as
   * taking turns) beyond the wait it was told: a caller that dies or gives up stops counting then.
   */
  leaseMs: number;
}

export const DEFAULT_SHARING: Omit<SharingPolicy, 'spacingMs'> = { interactiveShare: 0, leaseMs: 1000 };

/**
 * A strict sliding window per key: at most `limit.limit` grants in any `limit.windowMs`. Implementations
 * shared by several processes must decide on one clock (the store's), not the callers'.
 */
export interface RateLimiter {
  /** Takes one grant, or says how long until this caller could have one. */
  tryAcquire(
    key: string,
    limit: RateLimit,
    request: GrantRequest,
    policy: SharingPolicy,
  ): Promise<AcquireResult>;
  /** An interactive call that stops waiting (its deadline passed) gives its place up at once. */
  withdraw(key: string, waiterId: string): Promise<void>;
  /**
   * Moves a grant to now, as if it had been given now (never earlier), for a call answered a while
   * after its grant: the vendor counts when calls arrive, so the window must hold the grant from a
   * moment the vendor had counted it by. A grant that left the window is not brought back.
   */
  restamp(key: string, id: string): Promise<void>;
  /** Refuses every grant on `key` for `ms`, e.g. after the vendor itself said it is over its limit. */
  pause(key: string, ms: number): Promise<void>;
  /**
   * Takes the key's exclusive lease for `holder` for `ms` (a vendor call that must not overlap another
   * one on the same account, from any replica). True when taken; false while another holder has it.
   * The lease lapses by itself, so a holder that dies frees it after `ms`.
   */
  lease(key: string, holder: string, ms: number): Promise<boolean>;
  /** Gives the lease back, if `holder` still has it. */
  release(key: string, holder: string): Promise<void>;
}
