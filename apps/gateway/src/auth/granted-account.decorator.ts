import { setImmediate as afterPendingWork } from 'node:timers/promises';
import {
  ArgumentMetadata,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  PipeTransform,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Capability } from '@app/core';
import { checkIdentifier, IdentifierField, PATH_IDENTIFIERS } from '../http/check-identifiers';
import { AccountAccess } from './account-access';
import { AccountContext } from './account-context';
import type { AuthenticatedRequest } from './client-auth.guard';

/** What a route needs of its `:accountId`, given to `@GrantedAccount`. */
export interface AccountRequirement {
  capability: Capability;
  /** Body fields holding identifiers, checked in this order after the path's. */
  bodyIdentifiers?: readonly IdentifierField[];
}

type AccountRequest = AuthenticatedRequest & FastifyRequest;

/**
 * Resolves `:accountId` for the request's client, in the contract's order: 404 account_not_found when
 * the client may not see it, 501 operation_not_supported when its provider lacks the capability, 403
 * forbidden when the grant leaves it out, then 400 validation_failed for a path identifier
 * (campaignId, callbackId) and the listed body identifiers the provider cannot have.
 */
@Injectable()
export class GrantedAccountPipe implements PipeTransform<AccountRequest, Promise<AccountContext>> {
  constructor(private readonly access: AccountAccess) {}

  async transform(request: AccountRequest, metadata: ArgumentMetadata): Promise<AccountContext> {
    // A custom parameter's data is what its decorator was given, not a string as for @Param.
    const requirement = metadata.data as unknown as AccountRequirement;
    // Nest resolves a handler's parameters side by side. Waiting for the work already pending lets the
    // body and query validation answer first (400), as it did when each service resolved the account.
    await afterPendingWork();
    const client = request.client;
    if (!client) throw new Error('GrantedAccount used on a route without ClientAuthGuard');
    const params = request.params as Record<string, string | undefined>;
    const account = this.access.resolve(client, params.accountId ?? '', requirement.capability);
    for (const field of PATH_IDENTIFIERS) {
      const value = params[field];
      if (value !== undefined) checkIdentifier(account, field, value);
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    for (const field of requirement.bodyIdentifiers ?? []) {
      checkIdentifier(account, field, String(body[field]));
    }
    return new AccountContext(client, account, this.access);
  }
}

const requestOf = createParamDecorator(
  (_requirement: AccountRequirement, context: ExecutionContext): AccountRequest =>
    context.switchToHttp().getRequest<AccountRequest>(),
);

/**
 * The route's account as an AccountContext, checked once here rather than in each service:
 * `@GrantedAccount('campaigns.pause') target: AccountContext`. Needs AccountsModule in the
 * controller's module (the pipe injects AccountAccess). The handler keeps `@Param('accountId')` as its
 * first parameter: that is what declares the path parameter in the OpenAPI document (a custom
 * parameter declares nothing there).
 */
export function GrantedAccount(
  capability: Capability,
  options: { bodyIdentifiers?: readonly IdentifierField[] } = {},
): ParameterDecorator {
  return requestOf({ capability, ...options } satisfies AccountRequirement, GrantedAccountPipe);
}
