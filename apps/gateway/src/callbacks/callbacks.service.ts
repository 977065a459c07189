import { Injectable } from '@nestjs/common';
import { Client } from '@app/config';
import { Callback } from '@app/core';
import { AccountAccess } from '../auth/account-access';
import { CallContexts } from '../http/call-contexts';
import { checkCallbackId, checkCampaignId, checkPhoneNumber } from '../http/check-identifiers';
import { requireOperation } from '../http/require-operation';
import { CreateCallbackDto } from './callback.dto';

@Injectable()
export class CallbacksService {
  constructor(
    private readonly access: AccountAccess,
    private readonly contexts: CallContexts,
  ) {}

  async create(
    client: Client,
    accountId: string,
    dto: CreateCallbackDto,
    requestId: string,
  ): Promise<Callback> {
    const account = this.access.resolve(client, accountId, 'callbacks.create');
    checkCampaignId(account, dto.campaignId);
    checkPhoneNumber(account, dto.phoneNumber);
    return requireOperation(account.adapter, 'createCallback')(
      {
        campaignId: dto.campaignId,
        phoneNumber: dto.phoneNumber,
        scheduledAt: dto.scheduledAt,
        mode: dto.mode,
        agentId: dto.agentId,
        note: dto.note,
        callData: dto.callData,
      },
      this.contexts.interactive(requestId, client.id),
    );
  }

  async cancel(client: Client, accountId: string, callbackId: string, requestId: string): Promise<void> {
    const account = this.access.resolve(client, accountId, 'callbacks.cancel');
    checkCallbackId(account, callbackId);
    await requireOperation(account.adapter, 'cancelCallback')(
      callbackId,
      this.contexts.interactive(requestId, client.id),
    );
  }
}
