import { Injectable } from '@nestjs/common';
import { Client } from '@app/config';
import { GatewayError } from '@app/core';
import { AccountAccess } from '../auth/account-access';
import { CallContexts } from '../http/call-contexts';
import { checkCampaignId } from '../http/check-identifiers';
import { requireOperation } from '../http/require-operation';
import { checkContactDelete, DeleteContactsResult, summarise } from './contact-request';
import { DeleteContactsDto } from './delete-contacts.dto';

@Injectable()
export class ContactsService {
  constructor(
    private readonly access: AccountAccess,
    private readonly contexts: CallContexts,
  ) {}

  /** Work of exactly one vendor call runs within the request; more is bulk work. */
  async delete(
    client: Client,
    accountId: string,
    campaignId: string,
    dto: DeleteContactsDto,
    requestId: string,
  ): Promise<DeleteContactsResult> {
    const account = this.access.resolve(client, accountId, 'contacts.delete');
    checkCampaignId(account, campaignId);
    // Field support first: "ozonetel has no customField" says more than "no filter deletes".
    const { phoneNumbers, selection } = checkContactDelete(account, dto);
    const ctx = this.contexts.interactive(requestId);

    if (phoneNumbers === undefined) {
      this.access.require(client, account, 'contacts.delete.byFilter');
      const { deleted } = await requireOperation(account.adapter, 'deleteContactsByFilter')(
        campaignId,
        selection,
        ctx,
      );
      return { requested: 0, deleted, notFound: 0, notDeletable: 0, failed: 0, results: [] };
    }
    if (phoneNumbers.length > 1) {
      throw new GatewayError(
        'operation_not_supported',
        `Deleting ${phoneNumbers.length} numbers takes one ${account.descriptor.name} call each; bulk work is not yet available, so send one number per request`,
        { provider: { name: account.descriptor.name } },
      );
    }
    const outcome = await requireOperation(account.adapter, 'deleteContact')(
      campaignId,
      { ...selection, phoneNumber: phoneNumbers[0] },
      ctx,
    );
    return summarise([{ ...outcome, phoneNumber: phoneNumbers[0] }]);
  }
}
