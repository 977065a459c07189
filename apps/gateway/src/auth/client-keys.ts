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
  private readonly clientsByHash: Map<string, Client>;

  constructor(clients: readonly Client[]) {
    this.clientsByHash = new Map(clients.map((client) => [client.keySha256, client]));
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
