import { Injectable } from '@nestjs/common';
import { Client } from '@app/config';
import { AccountAccess } from '../auth/account-access';
import { CallContexts } from '../http/call-contexts';
import { checkCampaignId } from '../http/check-identifiers';
import { requireOperation } from '../http/require-operation';

/** Campaign use cases: each is one vendor call, run within the request. */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly access: AccountAccess,
    private readonly contexts: CallContexts,
  ) {}

  async delete(
    client: Client,
    accountId: string,
    campaignId: string,
    archive: boolean,
    requestId: string,
  ): Promise<void> {
    const account = this.access.resolve(client, accountId, 'campaigns.delete');
    checkCampaignId(account, campaignId);
    await requireOperation(account.adapter, 'deleteCampaign')(
      campaignId,
      { archive },
      this.contexts.interactive(requestId, client.id),
    );
  }

  async pause(client: Client, accountId: string, campaignId: string, requestId: string): Promise<void> {
    const account = this.access.resolve(client, accountId, 'campaigns.pause');
    checkCampaignId(account, campaignId);
    await requireOperation(account.adapter, 'pauseCampaign')(
      campaignId,
      this.contexts.interactive(requestId, client.id),
    );
  }

  async resume(client: Client, accountId: string, campaignId: string, requestId: string): Promise<void> {
    const account = this.access.resolve(client, accountId, 'campaigns.resume');
    checkCampaignId(account, campaignId);
    await requireOperation(account.adapter, 'resumeCampaign')(
      campaignId,
      this.contexts.interactive(requestId, client.id),
    );
  }
}
