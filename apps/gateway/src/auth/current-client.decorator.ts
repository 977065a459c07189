import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Client } from '@app/config';
import type { AuthenticatedRequest } from './client-auth.guard';

/** The client authenticated before the body was read (see client-authentication.hook.ts); /v1 routes only. */
export const CurrentClient = createParamDecorator((_data: unknown, context: ExecutionContext): Client => {
  const client = context.switchToHttp().getRequest<AuthenticatedRequest>().client;
  if (!client) throw new Error('CurrentClient used on a route without ClientAuthGuard');
  return client;
});
