import { defineProviderPlugin } from '@app/providers/kit';
import { ISALES_DESCRIPTOR, ISALES_PROVIDER_NAME } from './descriptor';
import { IsalesAccountConfig } from './config';
import { IsalesAdapter } from './adapter';

/** Huawei CEC CC-iSales, as the gateway registers it. */
export const ISALES_PLUGIN = defineProviderPlugin<IsalesAccountConfig>({
  name: ISALES_PROVIDER_NAME,
  descriptor: ISALES_DESCRIPTOR,
  accountConfig: IsalesAccountConfig,
  // A VDN's budget is the tenant's, reached with one AK on one server.
  vendorIdentity: (account) =>
    `isales ${new URL(account.baseUrl).host} vdn ${account.vdnId} ak ${account.accessKey}`,
  create: (account, infrastructure) =>
    new IsalesAdapter(account, { gate: infrastructure.gate, onExchange: infrastructure.onExchange }),
});
