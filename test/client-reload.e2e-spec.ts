import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { testConfig } from './support/gateway';
import {
  freePort,
  GatewayProcess,
  spawnGateway,
  startGatewayProcess,
  writeConfigFile,
} from './support/gateway-process';
import { KEYS, sha256 } from './support/keys';
import { startTestSandbox, TestSandbox } from './support/sandbox';

const OLD_KEY = 'billing-old-key-0123456789abcdefghij';
const NEW_KEY = 'billing-new-key-0123456789abcdefghij';

/** The end-to-end configuration with a `billing` client holding `keys` (hashes and `key` values). */
function configWith(sandbox: TestSandbox, billing: Record<string, unknown>) {
  const config = testConfig(sandbox);
  return {
    ...config,
    clients: [...config.clients, { id: 'billing', accounts: ['in-ozonetel'], ...billing }],
  };
}

async function waitForLog(gateway: GatewayProcess, pattern: RegExp, after: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = gateway.output().slice(after).match(pattern);
    if (match) return match[0];
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${gateway.output().slice(after)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('client keys: rotation and SIGHUP reload', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('rotates a key with two live, without dropping a request, and keeps the clients when the file is bad', async () => {
    const path = writeConfigFile(configWith(sandbox, { keySha256: sha256(OLD_KEY) }));
    const rewrite = (config: unknown) => writeFileSync(path, JSON.stringify(config));
    const gateway = await startGatewayProcess({ GATEWAY_CONFIG: path, PORT: String(await freePort()) });
    try {
      const accounts = async (key: string) => (await gateway.as(key).get('/v1/accounts')).status;
      const reload = async (pattern: RegExp) => {
        const mark = gateway.output().length;
        gateway.child.kill('SIGHUP');
        return waitForLog(gateway, pattern, mark);
      };
      expect([await accounts(OLD_KEY), await accounts(NEW_KEY)]).toEqual([200, 401]);

      // Step 1: both keys, the new one as a ${ENV}-style key value, while the old one keeps calling.
      rewrite(configWith(sandbox, { keySha256: [sha256(OLD_KEY)], key: NEW_KEY }));
      let calling = true;
      const statuses: number[] = [];
      const caller = (async () => {
        while (calling) statuses.push(await accounts(OLD_KEY));
      })();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await reload(/Clients reloaded[^\n]*/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      calling = false;
      await caller;
      expect(statuses.length).toBeGreaterThan(5);
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect([await accounts(OLD_KEY), await accounts(NEW_KEY)]).toEqual([200, 200]);
      // The same client: the grant, and so the idempotency scope, did not change.
      expect((await gateway.as(NEW_KEY).get('/v1/accounts')).body.items.map((a: any) => a.id)).toEqual([
        'in-ozonetel',
      ]);

      // Step 2: the old key retired.
      rewrite(configWith(sandbox, { keySha256: sha256(NEW_KEY) }));
      await reload(/Clients reloaded[^\n]*/);
      expect([await accounts(OLD_KEY), await accounts(NEW_KEY)]).toEqual([401, 200]);

      // A bad file (a key under 32 characters) is refused, named and logged; the clients in force stay.
      rewrite(configWith(sandbox, { key: 'too-short' }));
      const refused = await reload(/Client reload refused[^\n]*/);
      expect(refused).toContain('clients[3].key');
      expect(refused).not.toContain('too-short');
      const line = JSON.parse(
        gateway
          .output()
          .split('\n')
          .find((text) => text.includes('reload refused'))!,
      );
      expect(line.field).toBe('clients[3].key');
      expect([50, 'error']).toContain(line.level);
      expect([await accounts(NEW_KEY), await accounts(KEYS.admin)]).toEqual([200, 200]);

      // So is a client granted an account this process does not run: accounts need a restart.
      const extra = configWith(sandbox, { keySha256: sha256(NEW_KEY) });
      extra.accounts.push({ ...extra.accounts[2], id: 'in-new', userName: 'new-user' });
      extra.clients[3].accounts = ['in-new'];
      rewrite(extra);
      expect(await reload(/Client reload refused[^\n]*/)).toMatch(
        /clients\[3\]\.accounts\[0\]\.id: names the account \\+"in-new/,
      );
      expect(await accounts(NEW_KEY)).toBe(200);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('refuses at start a key under 32 characters, naming the field', async () => {
    const { child, output } = spawnGateway({
      GATEWAY_CONFIG: writeConfigFile(configWith(sandbox, { key: '${BILLING_KEY}' })),
      BILLING_KEY: 'k'.repeat(31),
      PORT: String(await freePort()),
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toMatch(/Invalid gateway configuration: clients\[3\]\.key: is 31 characters long/);
  });

  it('refuses at start a plain http:// vendor URL without allowInsecureHttp, naming the field', async () => {
    const config = testConfig(sandbox);
    delete (config.accounts[1] as { allowInsecureHttp?: boolean }).allowInsecureHttp;
    const { child, output } = spawnGateway({
      GATEWAY_CONFIG: writeConfigFile(config),
      PORT: String(await freePort()),
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toMatch(
      /accounts\[1\]\.baseUrl: is plain http:\/\/.*accounts\[1\]\.allowInsecureHttp: true/,
    );
  });
});
