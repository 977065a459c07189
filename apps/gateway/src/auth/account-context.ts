import { Client } from '@app/config';
import { Capability } from '@app/core';
import { Account } from '../accounts/account-registry';
import { AccountAccess } from './account-access';

/**
 * The account a request acts on, resolved once for its client (see granted-account.decorator.ts):
 * visible to the client, its provider able to do the route's capability, the grant allowing it, and the
 * route's identifiers valid for that provider.
 */
export class AccountContext {
  constructor(
    readonly client: Client,
    readonly account: Account,
    private readonly access: AccountAccess,
  ) {}

  /** A second capability on the same account (a filter delete needs two): 501 or 403 as the first. */
  require(capability: Capability): void {
    this.access.require(this.client, this.account, capability);
  }
}

/** What every use case on a resolved account is given: the account and the request it serves. */
export interface AccountCommand {
  readonly target: AccountContext;
  /** The request's id, carried to the vendor call's context (logs, traces). */
  readonly requestId: string;
}
