import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseGatewayConfig } from '@app/config';
import { createMemoryStore, StoreBundle } from '@app/store';
import { createGatewayApp } from '../../apps/gateway/src/app.factory';
import { ACCOUNT_CONFIG_CLASSES } from '../../apps/gateway/src/providers/provider-registry';
import { client } from './http';
import { KEYS, sha256 } from './keys';
import { SANDBOX_CA_FILE } from './sandbox';

export interface GatewayUrls {
  isalesUrl: string;
  ozonetelUrl: string;
}

/** The end-to-end configuration: the sandbox's demo accounts and three clients with different grants. */
export interface ConfigOverrides {
  /** Accounts added after the three standard ones. */
  accounts?: Record<string, unknown>[];
  /** Fields changed on standard accounts, by account id. */
  patch?: Record<string, Record<string, unknown>>;
  settings?: object;
}

export function testConfig(vendors: GatewayUrls, overrides: ConfigOverrides = {}) {
  return {
    clients: [
      { id: 'admin', keySha256: sha256(KEYS.admin), accounts: ['*'] },
      {
        id: 'operator',
        keySha256: sha256(KEYS.operator),
        accounts: [{ id: 'cn-isales', capabilities: ['campaigns.pause', 'campaigns.resume'] }],
      },
      { id: 'ozonetel-only', keySha256: sha256(KEYS.ozonetelOnly), accounts: ['in-ozonetel'] },
    ],
    accounts: [
      {
        id: 'cn-isales',
        provider: 'isales',
        baseUrl: vendors.isalesUrl,
        caFile: SANDBOX_CA_FILE,
        vdnId: 101,
        accessKey: 'sandbox-ak',
        secretKey: 'sandbox-sk',
        // The demo seed's iSales server keeps Shanghai time.
        timeZone: 'Asia/Shanghai',
        timeoutMs: 2000,
      },
      {
        id: 'in-ozonetel',
        provider: 'ozonetel',
        baseUrl: vendors.ozonetelUrl,
        // The sandbox's Ozonetel speaks plain HTTP.
        allowInsecureHttp: true,
        userName: 'acme',
        apiKey: 'sandbox-ozonetel-key',
        authMode: 'basic',
        timeoutMs: 2000,
      },
      {
        id: 'in-ozonetel-token',
        provider: 'ozonetel',
        baseUrl: vendors.ozonetelUrl,
        // The sandbox's Ozonetel speaks plain HTTP.
        allowInsecureHttp: true,
        userName: 'acme-token',
        apiKey: 'sandbox-ozonetel-token-key',
        authMode: 'token',
        timeoutMs: 2000,
      },
      ...(overrides.accounts ?? []),
    ].map((account) => ({ ...account, ...overrides.patch?.[account.id as string] })),
    settings: { syncWaitMs: 2000, ...overrides.settings },
  };
}

export interface TestGateway {
  app: NestFastifyApplication;
  url: string;
  store: StoreBundle;
  as: (key: string | null) => ReturnType<typeof client>;
  close(): Promise<void>;
}

/** The whole gateway listening on a free loopback port, configured through the real loader. */
export async function startTestGateway(
  rawConfig: unknown,
  store: StoreBundle = createMemoryStore(),
): Promise<TestGateway> {
  const config = parseGatewayConfig(rawConfig, { accountClasses: ACCOUNT_CONFIG_CLASSES, env: {} });
  const app = await createGatewayApp({ config, store, logLevel: process.env.TEST_LOG_LEVEL ?? 'silent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    url,
    store,
    as: (key) => client(url, key),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/**
 * The configuration of a replica that does not know `accountId` (an older one, in a rolling deploy):
 * the account is gone, and so is every client grant naming it (the loader refuses those), and a
 * client left with no grant.
 */
export function withoutAccount(config: ReturnType<typeof testConfig>, accountId: string) {
  return {
    ...config,
    accounts: config.accounts.filter((account) => account.id !== accountId),
    clients: config.clients
      .map((client) => ({
        ...client,
        accounts: client.accounts.filter(
          (grant) => (typeof grant === 'string' ? grant : grant.id) !== accountId,
        ),
      }))
      .filter((client) => client.accounts.length > 0),
  };
}
