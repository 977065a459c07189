import { Injectable } from '@nestjs/common';
import { Client, ClientGrant } from '@app/config';
import { Capability, GatewayError } from '@app/core';
import { Account, AccountRegistry } from '../accounts/account-registry';

/**
 * Decides what a client may do on an account. An account the client may not see is "not found",
 * so that its existence does not leak; a visible account used for a purpose outside the grant is 403.
 */
@Injectable()
export class AccountAccess {
  constructor(private readonly registry: AccountRegistry) {}

  /** The accounts the client may see, with the capabilities it may use on each. */
  visibleTo(client: Client): { account: Account; capabilities: Capability[] }[] {
    return this.registry.all().flatMap((account) => {
      const grant = grantFor(client, account.id);
      return grant ? [{ account, capabilities: allowed(account, grant) }] : [];
    });
  }

  /** Whether the client may see the account at all (operations on it, for one). */
  canSee(client: Client, accountId: string): boolean {
    return this.registry.get(accountId) !== undefined && grantFor(client, accountId) !== undefined;
  }

  /** The account, if the client may see it and use `capability` there; else the contract's error. */
  resolve(client: Client, accountId: string, capability: Capability): Account {
    const account = this.registry.get(accountId);
    const grant = account ? grantFor(client, account.id) : undefined;
    if (!account || !grant) {
      throw new GatewayError('account_not_found', `No account "${accountId}" is available to this client`);
    }
    this.require(client, account, capability);
    return account;
  }

  /** For a second capability on an account already resolved (a filter delete needs two). */
  require(client: Client, account: Account, capability: Capability): void {
    const grant = grantFor(client, account.id);
    if (!account.descriptor.capabilities.includes(capability)) {
      throw new GatewayError(
        'operation_not_supported',
        `The ${account.descriptor.name} provider has no ${capability} operation; nothing was sent`,
        { provider: { name: account.descriptor.name } },
      );
    }
    if (!grant || (grant.capabilities && !grant.capabilities.includes(capability))) {
      throw new GatewayError('forbidden', `This client may not use ${capability} on account "${account.id}"`);
    }
  }
}

/** A grant naming the account wins over a "*" grant, so a wildcard cannot widen a narrowed account. */
function grantFor(client: Client, accountId: string): ClientGrant | undefined {
  return (
    client.grants.find((g) => g.accountId === accountId) ?? client.grants.find((g) => g.accountId === '*')
  );
}

function allowed(account: Account, grant: ClientGrant): Capability[] {
  return account.descriptor.capabilities.filter((c) => !grant.capabilities || grant.capabilities.includes(c));
}
