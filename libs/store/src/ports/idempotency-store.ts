/** The answer a completed request gave, kept to replay it for a retry with the same key. */
export interface StoredResponse {
  status: number;
  /** The headers worth replaying (content type, Location); never credentials. */
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyClaim =
  /** This caller runs the request; `token` proves it in renew/complete/release. */
  | { outcome: 'claimed'; token: string }
  /** An earlier request with this key and the same fingerprint completed: replay its answer. */
  | { outcome: 'replay'; response: StoredResponse }
  /** An earlier request with this key is still running; its lease ends within `retryAfterMs`. */
  | { outcome: 'in_progress'; retryAfterMs: number }
  /** The key was used for a different request (method, route or body). */
  | { outcome: 'mismatch' };

/**
 * Idempotency keys (draft-ietf-httpapi-idempotency-key-header). The first request claims the key with a
 * lease it renews while it runs, so a crashed process frees the key after the lease, not after the
 * retention time; a completed answer is kept for the retention time.
 */
export interface IdempotencyStore {
  claim(key: string, fingerprint: string, leaseMs: number): Promise<IdempotencyClaim>;
  /** Extends the lease; false when this claim is no longer the holder (its lease ran out). */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /** Stores the answer for replay; false (and nothing stored) when this claim is no longer the holder. */
  complete(key: string, token: string, response: StoredResponse, retentionMs: number): Promise<boolean>;
  /** Forgets the claim so the caller may retry (the request failed transiently). */
  release(key: string, token: string): Promise<void>;
}
