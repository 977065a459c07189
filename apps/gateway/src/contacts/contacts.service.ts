import { Injectable } from '@nestjs/common';
import { OperationRecord } from '@app/store';
import { AccountCommand } from '../auth/account-context';
import { CallContexts } from '../http/call-contexts';
import { requireOperation } from '../http/require-operation';
import { OperationsService } from '../operations/operations.service';
import { DeleteContactsResult, summarise } from '../operations/contact-results';
import { checkContactDelete } from './contact-request';
import { DeleteContactsDto } from './delete-contacts.dto';

export interface DeleteContactsCommand extends AccountCommand {
  readonly campaignId: string;
  /** Validated; its selector and fields are checked against the provider here. */
  readonly deletion: DeleteContactsDto;
  /** `Prefer: respond-async`: a list of numbers becomes an operation even when one call would do. */
  readonly preferAsync: boolean;
}

export type ContactsDeletion =
  { kind: 'done'; result: DeleteContactsResult } | { kind: 'operation'; operation: OperationRecord };

@Injectable()
export class ContactsService {
  constructor(
    private readonly contexts: CallContexts,
    private readonly operations: OperationsService,
  ) {}

  /**
   * Work of exactly one vendor call runs within the request; a list needing more calls (or any list,
   * when the caller prefers asynchronous processing) becomes an operation.
   */
  async delete({
    target,
    campaignId,
    deletion,
    requestId,
    preferAsync,
  }: DeleteContactsCommand): Promise<ContactsDeletion> {
    const { client, account } = target;
    // Field support first: "ozonetel has no customField" says more than "no filter deletes".
    const { phoneNumbers, selection } = checkContactDelete(account, deletion);
    const ctx = this.contexts.interactive(requestId, client.id);

    if (phoneNumbers === undefined) {
      target.require('contacts.delete.byFilter');
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
      const operation = await this.operations.start({
        target,
        campaignId,
        phoneNumbers,
        selection: { ...selection },
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
