import { createHash } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Client, GatewayConfig } from '@app/config';
import { GatewayError } from '@app/core';
import { GATEWAY_CONFIG } from '../tokens';

export type AuthenticatedRequest = FastifyRequest & { client?: Client };

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})\s*$/i;

/**
 * Bearer client keys. Only SHA-256 hashes are configured, so the file never holds a usable key; the
 * lookup is by hash, which gives a timing side channel nothing to compare character by character.
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  private readonly clientsByHash: Map<string, Client>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.clientsByHash = new Map(config.clients.map((client) => [client.keySha256, client]));
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    const client = match
      ? this.clientsByHash.get(createHash('sha256').update(match[1]).digest('hex'))
      : undefined;
    if (!client) {
      http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer realm="campaign-gateway"');
      throw new GatewayError(
        'unauthenticated',
        match ? 'The client key is not known' : 'Send the client key as "Authorization: Bearer <key>"',
      );
    }
    request.client = client;
    return true;
  }
}
