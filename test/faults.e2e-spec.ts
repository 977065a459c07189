import { testConfig } from './support/gateway';
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
  const h = useHarness((sandbox) => ({
    accounts: [
      {
        id: 'cn-isales-no-ca',
        provider: 'isales',
        baseUrl: sandbox.isalesUrl,
        vdnId: 101,
        accessKey: 'sandbox-ak',
        secretKey: 'sandbox-sk',
      },
      // Nothing listens on the discard port.
      {
        id: 'in-ozonetel-closed',
        provider: 'ozonetel',
        baseUrl: 'http://127.0.0.1:9',
        userName: 'acme',
        apiKey: 'sandbox-ozonetel-key',
      },
      {
        id: 'in-ozonetel-bad-key',
        provider: 'ozonetel',
        baseUrl: sandbox.ozonetelUrl,
        userName: 'acme',
        apiKey: 'not-the-key',
      },
      {
        id: 'in-ozonetel-bad-user',
        provider: 'ozonetel',
        baseUrl: sandbox.ozonetelUrl,
        userName: 'nobody',
        apiKey: 'sandbox-ozonetel-key',
      },
      // A token-mode account configured as basic: the vendor answers "Invalid action."
      {
        id: 'in-ozonetel-wrong-mode',
        provider: 'ozonetel',
        baseUrl: sandbox.ozonetelUrl,
        userName: 'acme-token',
        apiKey: 'sandbox-ozonetel-token-key',
      },
      {
        id: 'cn-isales-bad-secret',
        provider: 'isales',
        baseUrl: sandbox.isalesUrl,
        caFile: testConfig(sandbox).accounts[0].caFile,
        vdnId: 101,
        accessKey: 'sandbox-ak',
        secretKey: 'wrong',
      },
    ],
  }));

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
    expectProblem(await ozonetelDelete('in-ozonetel-closed'), 503, 'provider_unavailable');
  });

  it.each([
    ['a wrong apiKey', 'in-ozonetel-bad-key', 'Invalid User Details'],
    ['an unknown userName', 'in-ozonetel-bad-user', 'Invalid User Details'],
    ['basic auth on a token account', 'in-ozonetel-wrong-mode', 'Invalid action.'],
  ])('answers 502 provider_auth_failed for %s, without echoing the key', async (_name, account, message) => {
    const answer = await ozonetelDelete(account);
    expectProblem(answer, 502, 'provider_auth_failed');
    expect(answer.body.provider).toMatchObject({ name: 'ozonetel', message });
    expect(answer.text).not.toMatch(/sandbox-ozonetel|not-the-key/);
  });

  it('answers 502 provider_auth_failed when iSales refuses the signature (HTTP 401)', async () => {
    const answer = await pause('cn-isales-bad-secret');
    expectProblem(answer, 502, 'provider_auth_failed');
    expect(answer.text).not.toMatch(/wrong|sandbox-sk/);
  });

  it('keeps TLS checking on: the private-CA vendor without its CA configured is unavailable, never trusted', async () => {
    const answer = await pause('cn-isales-no-ca');
    expectProblem(answer, 503, 'provider_unavailable');
    expect(answer.body.detail).toMatch(/TLS|certificate/i);
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
