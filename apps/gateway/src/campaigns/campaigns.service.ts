import { Injectable } from '@nestjs/common';
import { AccountCommand } from '../auth/account-context';
import { CallContexts } from '../http/call-contexts';
import { requireOperation } from '../http/require-operation';

/** Pause or resume one campaign. */
export interface CampaignCommand extends AccountCommand {
  readonly campaignId: string;
}

export interface DeleteCampaignCommand extends CampaignCommand {
  /** Keep the campaign in the vendor's history. */
  readonly archive: boolean;
}

/** Campaign use cases: each is one vendor call, run within the request. */
@Injectable()
export class CampaignsService {
  constructor(private readonly contexts: CallContexts) {}

  async delete({ target, campaignId, archive, requestId }: DeleteCampaignCommand): Promise<void> {
    await requireOperation(target.account.adapter, 'deleteCampaign')(
      campaignId,
      { archive },
      this.contexts.interactive(requestId, target.client.id),
    );
  }

  async pause({ target, campaignId, requestId }: CampaignCommand): Promise<void> {
    await requireOperation(target.account.adapter, 'pauseCampaign')(
      campaignId,
      this.contexts.interactive(requestId, target.client.id),
    );
  }

  async resume({ target, campaignId, requestId }: CampaignCommand): Promise<void> {
    await requireOperation(target.account.adapter, 'resumeCampaign')(
      campaignId,
      this.contexts.interactive(requestId, target.client.id),
    );
  }
}
