import { writeConfigFile } from '../../test/support/gateway-process';

/** The client key the load generator sends as `Authorization: Bearer ...` (32+ visible characters). */
export const BENCH_KEY = 'bench-overhead-client-key-0123456789';
export const ACCOUNT_ID = 'bench-isales';
export const CAMPAIGN_ID = '1002';
const VDN_ID = 101;

/** The gateway's route, and the vendor path both the proxy and the gateway call. */
export const GATEWAY_PATH = `/v1/accounts/${ACCOUNT_ID}/campaigns/${CAMPAIGN_ID}/pause`;
export const UPSTREAM_PATH = `/rest/isales/v1/openapi/campaigns/${VDN_ID}/${CAMPAIGN_ID}/pause`;

/**
 * One client that may use everything, and one iSales account on the light upstream over plain HTTP.
 * The account's budget (100,000 per second, the most the configuration takes) and the client's
 * inbound limit (100,000 per second) are far above what two CPUs can send, so neither ever waits or
 * refuses: the run measures what the guards cost, not what they hold back.
 */
export function overheadConfig(upstreamUrl: string) {
  return {
    clients: [{ id: 'bench', key: BENCH_KEY, accounts: ['*'] }],
    accounts: [
      {
        id: ACCOUNT_ID,
        provider: 'isales',
        baseUrl: upstreamUrl,
        allowInsecureHttp: true,
        vdnId: VDN_ID,
        accessKey: 'bench-ak',
        secretKey: 'bench-sk',
        rateLimit: { limit: 100_000, windowMs: 1000 },
        timeoutMs: 5000,
      },
    ],
    settings: { inboundRateLimit: { limit: 100_000, windowMs: 1000 } },
  };
}

export const writeOverheadConfig = (upstreamUrl: string): string =>
  writeConfigFile(overheadConfig(upstreamUrl), 'overhead.json');
