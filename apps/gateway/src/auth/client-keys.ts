import { createHash } from 'node:crypto';
import { Client } from '@app/config';
import { GatewayError } from '@app/core';

/** The challenge every 401 carries (RFC 6750). */
export const BEARER_CHALLENGE = 'Bearer realm="campaign-gateway"';

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})\s*$/i;

/** The client an Authorization header names, or why it names none (the detail of the 401). */
export type KeyCheck = { client: Client } | { client?: undefined; refusal: GatewayError };

/**
 * Bearer client keys. Only SHA-256 hashes are configured, so the file never holds a usable key; the
 * lookup is by hash, which gives a timing side channel nothing to compare character by character.
 */
export class ClientKeys {
  private clientsByHash: ReadonlyMap<string, Client>;

  constructor(clients: readonly Client[]) {
    this.clientsByHash = byHash(clients);
  }

  /**
   * Swaps in another set of clients at once (a SIGHUP reload): a request admitted before keeps the
   * client it was admitted as; every request admitted after sees only the new set.
   */
  replace(clients: readonly Client[]): void {
    this.clientsByHash = byHash(clients);
  }

  /** How many clients and keys are live, for the reload log (never a hash). */
  get size(): { clients: number; keys: number } {
    return { clients: new Set(this.clientsByHash.values()).size, keys: this.clientsByHash.size };
  }

  check(authorization: string | undefined): KeyCheck {
    const match = BEARER.exec(authorization ?? '');
    const client = match
      ? this.clientsByHash.get(createHash('sha256').update(match[1]).digest('hex'))
      : undefined;
    if (client) return { client };
    return {
      refusal: new GatewayError(
        'unauthenticated',
        match ? 'The client key is not known' : 'Send the client key as "Authorization: Bearer <key>"',
      ),
    };
  }
}

/** Every key of every client (a rotating client has two) maps to its client. */
function byHash(clients: readonly Client[]): ReadonlyMap<string, Client> {
  return new Map(clients.flatMap((client) => client.keyHashes.map((hash) => [hash, client] as const)));
}
