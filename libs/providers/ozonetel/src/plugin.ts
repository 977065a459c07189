import { defineProviderPlugin } from '@app/providers/kit';
import { OZONETEL_DESCRIPTOR, OZONETEL_PROVIDER_NAME } from './descriptor';
import { OzonetelAccountConfig } from './config';
import { OzonetelAdapter } from './adapter';

/** Ozonetel CloudAgent, as the gateway registers it. */
export const OZONETEL_PLUGIN = defineProviderPlugin<OzonetelAccountConfig>({
  name: OZONETEL_PROVIDER_NAME,
  descriptor: OZONETEL_DESCRIPTOR,
  accountConfig: OzonetelAccountConfig,
  // Budgets and tokens belong to the CloudAgent user.
  vendorIdentity: (account) => `ozonetel ${new URL(account.baseUrl).host} user ${account.userName}`,
  create: (account, infrastructure) =>
    new OzonetelAdapter(account, {
      gate: infrastructure.gate,
      ...(infrastructure.batchGate ? { batchGate: infrastructure.batchGate } : {}),
      tokenCache: infrastructure.tokenCache,
      onExchange: infrastructure.onExchange,
    }),
});
