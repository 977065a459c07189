import { Injectable } from '@nestjs/common';
import { Client } from '@app/config';
import { OperationRecord } from '@app/store';
import { AccountAccess } from '../auth/account-access';
import { CallContexts } from '../http/call-contexts';
import { checkCampaignId } from '../http/check-identifiers';
import { requireOperation } from '../http/require-operation';
import { OperationsService } from '../operations/operations.service';
import { checkContactDelete, DeleteContactsResult, summarise } from './contact-request';
import { DeleteContactsDto } from './delete-contacts.dto';

export type ContactsDeletion =
  { kind: 'done'; result: DeleteContactsResult } | { kind: 'operation'; operation: OperationRecord };

@Injectable()
export class ContactsService {
  constructor(
    private readonly access: AccountAccess,
    private readonly contexts: CallContexts,
    private readonly operations: OperationsService,
  ) {}

  /**
   * Work of exactly one vendor call runs within the request; a list needing more calls (or any list,
   * when the caller prefers asynchronous processing) becomes an operation.
   */
  async delete(
    client: Client,
    accountId: string,
    campaignId: string,
    dto: DeleteContactsDto,
    requestId: string,
    preferAsync = false,
  ): Promise<ContactsDeletion> {
    const account = this.access.resolve(client, accountId, 'contacts.delete');
    checkCampaignId(account, campaignId);
    // Field support first: "ozonetel has no customField" says more than "no filter deletes".
    const { phoneNumbers, selection } = checkContactDelete(account, dto);
    const ctx = this.contexts.interactive(requestId, client.id);

    if (phoneNumbers === undefined) {
      this.access.require(client, account, 'contacts.delete.byFilter');
      const { deleted } = await requireOperation(account.adapter, 'deleteContactsByFilter')(
        campaignId,
        selection,
        ctx,
      );
      return {
        kind: 'done',
        result: { requested: 0, deleted, notFound: 0, notDeletable: 0, failed: 0, results: [] },
      };
    }
    if (phoneNumbers.length > 1 || preferAsync) {
      const operation = await this.operations.start(client, account, campaignId, phoneNumbers, {
        ...selection,
      });
      return { kind: 'operation', operation };
    }
    const outcome = await requireOperation(account.adapter, 'deleteContact')(
      campaignId,
      { ...selection, phoneNumber: phoneNumbers[0] },
      this.contexts.interactive(requestId, client.id),
    );
    return { kind: 'done', result: summarise([{ ...outcome, phoneNumber: phoneNumbers[0] }]) };
  }
}
