/** The prefix every key gets unless told otherwise; tests pass their own to share a Redis safely. */
export const DEFAULT_KEY_PREFIX = 'cg:';

/** The keys of one account's sliding window. */
export interface RateLimitKeys {
  /** Sorted set of grants, scored by the server time (ms) they were given at. */
  grants: string;
  /** The server time (ms) until which every grant is refused; expires with the pause. */
  pause: string;
  /** Sorted set of waiting interactive calls, scored by when their registration lapses. */
  waiters: string;
  /** Sorted set of bulk tenants taking turns, scored by when their registration lapses. */
  contenders: string;
  /** Hash of bulk tenant → its last grant time. */
  turns: string;
  /** Exists for one window after an interactive call asked for a grant. */
  interactiveSeen: string;
  /** The holder of the key's exclusive lease; expires with it. */
  lease: string;
}

/** The keys of one shared vendor token. */
export interface TokenKeys {
  /** JSON `{ token, expiresAt }`, expiring with the token. */
  token: string;
  /** Held by the one caller generating a token right now. */
  lock: string;
  /** Sorted set of generation times (server clock), for the vendor's hourly cap. */
  generations: string;
}

/** The keys of one client's inbound throttle (one throttler, one tracker). */
export interface InboundThrottleKeys {
  /** Hits in the current window, expiring with it. */
  hits: string;
  /** Present while the client is blocked, expiring with the block. */
  blocked: string;
}

/** The keys of one bulk operation, all under the hash tag `{op:<id>}` (one Cluster slot). */
export interface OperationKeys {
  /** Hash of the record's scalar fields, counters and expiry time. */
  record: string;
  /** List of the numbers in index order. */
  numbers: string;
  /** String of one byte per index: 0 while the number has no outcome, then its outcome's code. */
  kinds: string;
  /** Hash index → JSON `{ phoneNumber?, error? }`, only for outcomes the code and the list cannot say. */
  details: string;
  /** Bitmap: bit `index` is set once the number was sent. */
  attempted: string;
  /** Hash index → attempts after the first, only for numbers sent more than once. */
  retries: string;
  /** Where `create` pushes the numbers before its script renames them to `numbers`; one per attempt. */
  staging(token: string): string;
  /** Who holds a chunk (the holder's id), expiring unless renewed. */
  hold(chunkIndex: number): string;
}

/**
 * Where everything lives: `<prefix>{<kind>:<id>}:<part>`. The `{...}` hash tag puts all keys one script
 * touches into one Redis Cluster slot, so the scripts stay legal on a cluster. Ids may hold any
 * character: Redis hashes the text between the first `{` and the next `}`, and every key of one group
 * shares that text, even when the id itself holds braces.
 */
export class RedisKeyspace {
  constructor(readonly prefix: string = DEFAULT_KEY_PREFIX) {}

  rateLimit(id: string): RateLimitKeys {
    const group = this.group('rl', id);
    return {
      grants: `${group}:grants`,
      pause: `${group}:pause`,
      waiters: `${group}:waiters`,
      contenders: `${group}:contenders`,
      turns: `${group}:turns`,
      interactiveSeen: `${group}:seen`,
      lease: `${group}:lease`,
    };
  }

  token(id: string): TokenKeys {
    const group = this.group('tok', id);
    return { token: `${group}:token`, lock: `${group}:lock`, generations: `${group}:generations` };
  }

  /** One hash per idempotency key; a single key needs no part. */
  idempotency(scope: string): string {
    return this.group('idem', scope);
  }

  operation(id: string): OperationKeys {
    const group = this.group('op', id);
    return {
      record: group,
      numbers: `${group}:numbers`,
      kinds: `${group}:kinds`,
      details: `${group}:details`,
      attempted: `${group}:attempted`,
      retries: `${group}:retries`,
      staging: (token) => `${group}:staging:${token}`,
      hold: (chunkIndex) => `${group}:hold:${chunkIndex}`,
    };
  }

  /** Hash of an account's active operation ids → their numbers still waiting; its own slot. */
  accountQueue(accountId: string): string {
    return `${this.group('acct', accountId)}:queued`;
  }

  /** Sorted set of a client's active operation ids, scored by when they were admitted; its own slot. */
  clientOperations(clientId: string): string {
    return `${this.group('client', clientId)}:active`;
  }

  inbound(id: string): InboundThrottleKeys {
    const group = this.group('in', id);
    return { hits: `${group}:hits`, blocked: `${group}:blocked` };
  }

  private group(kind: string, id: string): string {
    return `${this.prefix}{${kind}:${id}}`;
  }
}
