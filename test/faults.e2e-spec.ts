import { startTestGateway, testConfig } from './support/gateway';
import { ApiClient } from './support/http';
import { KEYS } from './support/keys';
import { expectProblem, useHarness } from './support/harness';

/** Fails the suite if anything, anywhere, rejects without a handler while vendors misbehave. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('vendor faults', () => {
  const h = useHarness(() => ({
    // Nothing listens on the discard port.
    accounts: [
      {
        id: 'in-closed',
        provider: 'ozonetel',
        baseUrl: 'http://127.0.0.1:9',
        allowInsecureHttp: true,
        userName: 'acme',
        apiKey: 'sandbox-ozonetel-key',
      },
    ],
  }));

  /**
   * A gateway whose only account is misconfigured against the sandbox. One per case: the gateway
   * refuses two accounts that are the same vendor account, which is what these are.
   */
  async function withMisconfigured(account: Record<string, unknown>, run: (api: ApiClient) => Promise<void>) {
    const base = testConfig(h().sandbox);
    const gateway = await startTestGateway({
      clients: [base.clients[0]],
      accounts: [{ ...account, id: 'misconfigured' }],
    });
    try {
      await run(gateway.as(KEYS.admin));
    } finally {
      await gateway.close();
    }
  }
  const isalesAccount = () => testConfig(h().sandbox).accounts[0];
  const ozonetelAccount = () => testConfig(h().sandbox).accounts[1];

  const pause = (account = 'cn-isales') => h().admin.post(`/v1/accounts/${account}/campaigns/1002/pause`);
  const ozonetelDelete = (account = 'in-ozonetel') =>
    h().admin.post(`/v1/accounts/${account}/campaigns/Renewals_Q4/contacts/delete`, {
      body: { phoneNumbers: ['9812345601'] },
    });
  const inject = (vendor: 'isales' | 'ozonetel', fault: object) =>
    h().sandbox[vendor].post('/__sandbox/faults', { body: fault });

  afterEach(async () => {
    // The process stays healthy whatever the vendor did.
    expect((await h().gateway.as(null).get('/health/live')).status).toBe(200);
  });

  it.each([
    ['isales', 'slow', 504, 'provider_timeout'],
    ['isales', 'status500', 503, 'provider_unavailable'],
    ['isales', 'html', 502, 'provider_error'],
    ['isales', 'reset', 503, 'provider_unavailable'],
    ['isales', 'garbageJson', 502, 'provider_error'],
    ['ozonetel', 'slow', 504, 'provider_timeout'],
    ['ozonetel', 'status500', 503, 'provider_unavailable'],
    ['ozonetel', 'html', 502, 'provider_error'],
    ['ozonetel', 'reset', 503, 'provider_unavailable'],
    ['ozonetel', 'garbageJson', 502, 'provider_error'],
  ] as const)('%s answering %s gives %i %s', async (vendor, kind, status, code) => {
    await inject(vendor, { kind, delayMs: 3000 });
    const answer = vendor === 'isales' ? await pause() : await ozonetelDelete();
    expectProblem(answer, status, code);
    expect(answer.body.provider.name).toBe(vendor);
  });

  it('answers provider_unavailable when nothing listens', async () => {
    expectProblem(await ozonetelDelete('in-closed'), 503, 'provider_unavailable');
  });

  it.each([
    ['a wrong apiKey', { apiKey: 'not-the-key' }, 'Invalid User Details'],
    ['an unknown userName', { userName: 'nobody' }, 'Invalid User Details'],
    // A token-mode vendor account configured as basic: the vendor answers "Invalid action."
    [
      'basic auth on a token account',
      { userName: 'acme-token', apiKey: 'sandbox-ozonetel-token-key' },
      'Invalid action.',
    ],
  ])('answers 502 provider_auth_failed for %s, without echoing the key', async (_name, change, message) => {
    await withMisconfigured({ ...ozonetelAccount(), ...change }, async (api) => {
      const answer = await api.post('/v1/accounts/misconfigured/campaigns/Renewals_Q4/contacts/delete', {
        body: { phoneNumbers: ['9812345601'] },
      });
      expectProblem(answer, 502, 'provider_auth_failed');
      expect(answer.body.provider).toMatchObject({ name: 'ozonetel', message });
      expect(answer.text).not.toMatch(/sandbox-ozonetel|not-the-key/);
    });
  });

  it('answers 502 provider_auth_failed when iSales refuses the signature (HTTP 401)', async () => {
    await withMisconfigured({ ...isalesAccount(), secretKey: 'wrong' }, async (api) => {
      const answer = await api.post('/v1/accounts/misconfigured/campaigns/1002/pause');
      expectProblem(answer, 502, 'provider_auth_failed');
      expect(answer.text).not.toMatch(/wrong|sandbox-sk/);
    });
  });

  it('keeps TLS checking on: the private-CA vendor without its CA configured is unavailable, never trusted', async () => {
    await withMisconfigured({ ...isalesAccount(), caFile: undefined }, async (api) => {
      const answer = await api.post('/v1/accounts/misconfigured/campaigns/1002/pause');
      expectProblem(answer, 503, 'provider_unavailable');
      expect(answer.body.detail).toMatch(/TLS|certificate/i);
    });
    expect((await pause('cn-isales')).status).toBe(200);
  });

  it('serves other vendors while one hangs', async () => {
    await inject('isales', { kind: 'slow', delayMs: 5000, times: 0 });
    const [slow, fast] = await Promise.all([pause(), ozonetelDelete()]);
    expectProblem(slow, 504, 'provider_timeout');
    expect(fast.status).toBe(200);
    await h().sandbox.isales.delete('/__sandbox/faults');
  });
});
