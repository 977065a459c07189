import { once } from 'node:events';
import { startTestGateway, testConfig } from './support/gateway';
import { freePort, spawnGateway, startGatewayProcess, writeConfigFile } from './support/gateway-process';
import { KEYS } from './support/keys';
import { startTestSandbox, TestSandbox, vendorCalls } from './support/sandbox';

describe('the gateway as a process', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('stops at start with exit code 1 and the bad field named when the configuration is invalid', async () => {
    const config = testConfig(sandbox);
    config.accounts[0].vdnId = 0;
    const { child, output } = spawnGateway({
      GATEWAY_CONFIG: writeConfigFile(config),
      PORT: String(await freePort()),
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toMatch(/Invalid gateway configuration: accounts\[0\]\.vdnId/);
  });

  it('refuses two accounts that are the same vendor account, since they would spend one budget twice', async () => {
    const config = testConfig(sandbox);
    config.accounts.push({ ...config.accounts[1], id: 'in-ozonetel-again' });
    await expect(startTestGateway(config)).rejects.toThrow(
      /accounts\[3\]: is the same vendor account as accounts\[1\]/,
    );
  });

  it('names a secret variable that is not set, without any value', async () => {
    const config = testConfig(sandbox);
    config.accounts[1].apiKey = '${OZONETEL_API_KEY_FOR_TEST}';
    const { child, output } = spawnGateway({
      GATEWAY_CONFIG: writeConfigFile(config),
      PORT: String(await freePort()),
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toMatch(
      /accounts\[1\]\.apiKey: refers to the environment variable OZONETEL_API_KEY_FOR_TEST/,
    );
  });

  it('runs from GATEWAY_CONFIG with ${ENV} secrets, logs JSON with request ids, and never logs a secret', async () => {
    const config = testConfig(sandbox);
    const secrets = {
      ISALES_SK: 'sandbox-sk',
      OZONETEL_KEY: 'sandbox-ozonetel-key',
      OZONETEL_TOKEN_KEY: 'sandbox-ozonetel-token-key',
    };
    Object.assign(config.accounts[0], { secretKey: '${ISALES_SK}' });
    Object.assign(config.accounts[1], { apiKey: '${OZONETEL_KEY}' });
    Object.assign(config.accounts[2], { apiKey: '${OZONETEL_TOKEN_KEY}' });
    const gateway = await startGatewayProcess({
      GATEWAY_CONFIG: writeConfigFile(config, 'gateway.json'),
      PORT: String(await freePort()),
      ...secrets,
    });
    try {
      const admin = gateway.as(KEYS.admin);
      const paused = await admin.post('/v1/accounts/cn-isales/campaigns/1002/pause', {
        headers: { 'x-request-id': 'trace-me-1' },
      });
      expect(paused.status).toBe(200);
      const viaToken = await admin.post(
        '/v1/accounts/in-ozonetel-token/campaigns/Collections/contacts/delete',
        {
          body: { phoneNumbers: ['9812345701'] },
        },
      );
      expect(viaToken.body).toMatchObject({ deleted: 1 });
      expect((await gateway.as('wrong-key').get('/v1/accounts')).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const lines = gateway
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const ofRequest = lines.filter((line) => line.req?.id === 'trace-me-1');
      expect(ofRequest.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['vendor exchange', 'request completed']),
      );

      const token = (await vendorCalls(sandbox.ozonetel)).find((c) => c.path.endsWith('generateToken'))
        ?.response.token;
      expect(typeof token).toBe('string');
      for (const secret of [...Object.values(secrets), KEYS.admin, 'wrong-key', token]) {
        expect(gateway.output()).not.toContain(secret);
      }
    } finally {
      await gateway.stop();
    }
  });
});
