import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Client } from '@app/config';
import { GatewayError } from '@app/core';
import { BEARER_CHALLENGE } from './client-keys';

export type AuthenticatedRequest = FastifyRequest & { client?: Client };

/**
 * The key itself is checked before the body is read, by the onRequest hook
 * (client-authentication.hook.ts), which puts the client on the request. This guard keeps a route
 * marked `@ClientApi()` from ever running without one, should the hook not cover its path: it fails
 * closed with the same 401, and hashes nothing.
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    if (http.getRequest<AuthenticatedRequest>().client) return true;
    http.getResponse<FastifyReply>().header('WWW-Authenticate', BEARER_CHALLENGE);
    throw new GatewayError('unauthenticated', 'Send the client key as "Authorization: Bearer <key>"');
  }
}
