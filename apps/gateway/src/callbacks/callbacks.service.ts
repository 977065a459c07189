import { Injectable } from '@nestjs/common';
import { Callback } from '@app/core';
import { AccountCommand } from '../auth/account-context';
import { CallContexts } from '../http/call-contexts';
import { requireOperation } from '../http/require-operation';
import { CreateCallbackDto } from './callback.dto';

export interface CreateCallbackCommand extends AccountCommand {
  /** Validated, its campaignId and phoneNumber checked against the provider. */
  readonly callback: CreateCallbackDto;
}

export interface CancelCallbackCommand extends AccountCommand {
  readonly callbackId: string;
}

@Injectable()
export class CallbacksService {
  constructor(private readonly contexts: CallContexts) {}

  async create({ target, callback, requestId }: CreateCallbackCommand): Promise<Callback> {
    return requireOperation(target.account.adapter, 'createCallback')(
      {
        campaignId: callback.campaignId,
        phoneNumber: callback.phoneNumber,
        scheduledAt: callback.scheduledAt,
        mode: callback.mode,
        agentId: callback.agentId,
        note: callback.note,
        callData: callback.callData,
      },
      this.contexts.interactive(requestId, target.client.id),
    );
  }

  async cancel({ target, callbackId, requestId }: CancelCallbackCommand): Promise<void> {
    await requireOperation(target.account.adapter, 'cancelCallback')(
      callbackId,
      this.contexts.interactive(requestId, target.client.id),
    );
  }
}
