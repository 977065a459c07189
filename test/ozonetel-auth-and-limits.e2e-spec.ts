import { expectProblem, useHarness } from './support/harness';
import { vendorCalls } from './support/sandbox';

describe('Ozonetel token auth and rate limits', () => {
  const h = useHarness((sandbox) => ({
    patch: { 'in-ozonetel': { rateLimit: { limit: 2, windowMs: 60_000 } } },
    // A vendor account of its own, added to the sandbox by the test that uses it.
    accounts: [
      {
        id: 'in-second',
        provider: 'ozonetel',
        baseUrl: sandbox.ozonetelUrl,
        allowInsecureHttp: true,
        userName: 'second',
        apiKey: 'second-key',
      },
    ],
  }));
  const del = (number: string, account = 'in-ozonetel-token', campaign = 'Collections') =>
    h().admin.post(`/v1/accounts/${account}/campaigns/${campaign}/contacts/delete`, {
      body: { phoneNumbers: [number] },
    });
  const calls = async () =>
    (await vendorCalls(h().sandbox.ozonetel)).map((c) => `${c.method} ${c.path} ${c.status}`);

  it('generates one token, reuses it, and sends it as a bearer token with userName in the body', async () => {
    expect((await del('9812345701')).body).toMatchObject({ deleted: 1 });
    expect((await del('9812345702')).body).toMatchObject({ deleted: 1 });
    expect(await calls()).toEqual([
      'POST /ca_apis/CAToken/generateToken 200',
      'DELETE /ca_apis/deleteCampaignData 200',
      'DELETE /ca_apis/deleteCampaignData 200',
    ]);
    const log = await vendorCalls(h().sandbox.ozonetel);
    expect(log[1].body).toMatchObject({ userName: 'acme-token', campaignName: 'Collections' });
  });

  it('gets a fresh token once on "Token Expired" and sends the call again', async () => {
    await del('9812345703');
    await h().sandbox.ozonetel.post('/__sandbox/tokens/expire', { body: { userName: 'acme-token' } });
    const answer = await del('9812345704');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ deleted: 1 });
    expect((await calls()).slice(-3)).toEqual([
      'DELETE /ca_apis/deleteCampaignData 401',
      'POST /ca_apis/CAToken/generateToken 200',
      'DELETE /ca_apis/deleteCampaignData 200',
    ]);
  });

  it("never sends past the account's configured budget: the next call is 429 with Retry-After and nothing sent", async () => {
    const account = 'in-ozonetel';
    expect((await del('9812345601', account, 'Renewals_Q4')).status).toBe(200);
    expect((await del('9812345602', account, 'Renewals_Q4')).status).toBe(200);
    const refused = await del('9812345603', account, 'Renewals_Q4');
    expectProblem(refused, 429, 'provider_rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50);
    expect(await calls()).toHaveLength(2);
  });

  it('when the vendor says "Max limit exceeded" anyway, pauses the account and answers 429 without retrying past the wait', async () => {
    const state = (await h().sandbox.ozonetel.get('/__sandbox/state')).body;
    state.users.push({ userName: 'second', apiKey: 'second-key', authMode: 'basic' });
    state.campaigns.push({
      userName: 'second',
      name: 'Second',
      numbers: [{ phoneNumber: '9812340001' }, { phoneNumber: '9812340002' }],
    });
    await h().sandbox.ozonetel.put('/__sandbox/state', { body: state });
    await h().sandbox.ozonetel.put('/__sandbox/rate-limit', { body: { limit: 1, windowMs: 60_000 } });
    expect((await del('9812340001', 'in-second', 'Second')).status).toBe(200);
    const refused = await del('9812340002', 'in-second', 'Second');
    expectProblem(refused, 429, 'provider_rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The account is paused: the next call is refused at the gateway, not sent.
    expectProblem(await del('9812340002', 'in-second', 'Second'), 429, 'provider_rate_limited');
    expect(await calls()).toEqual([
      'DELETE /ca_apis/deleteCampaignData 200',
      'DELETE /ca_apis/deleteCampaignData 429',
    ]);
  });
});
