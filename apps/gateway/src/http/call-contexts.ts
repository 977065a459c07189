import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '@app/config';
import { CallContext } from '@app/core';
import { GATEWAY_CONFIG } from '../tokens';

/** Builds the context a request hands to an adapter: how long it may wait for the vendor's budget. */
@Injectable()
export class CallContexts {
  private readonly syncWaitMs: number;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.syncWaitMs = config.settings.syncWaitMs;
  }

  interactive(requestId: string, clientId: string): CallContext {
    return { requestId, clientId, deadline: Date.now() + this.syncWaitMs, priority: 'interactive' };
  }
}
