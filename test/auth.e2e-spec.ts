import { call } from './support/http';
import { KEYS } from './support/keys';
import { allVendorCalls, expectProblem, useHarness } from './support/harness';

describe('client keys and account grants', () => {
  const h = useHarness();

  it.each([
    ['no Authorization header', null],
    ['an unknown key', 'not-a-configured-key'],
  ])('answers 401 unauthenticated for %s, with a Bearer challenge', async (_name, key) => {
    const { gateway } = h();
    const answer = await gateway.as(key).get('/v1/accounts');
    expectProblem(answer, 401, 'unauthenticated');
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 401 for a non-Bearer scheme', async () => {
    const { gateway } = h();
    const answer = await call(gateway.url, 'GET', '/v1/accounts', {
      headers: { authorization: `Basic ${KEYS.admin}` },
    });
    expectProblem(answer, 401, 'unauthenticated');
  });

  it('lists only the granted accounts, with what the client may do there, and no secrets', async () => {
    const { gateway } = h();
    const admin = await gateway.as(KEYS.admin).get('/v1/accounts');
    expect(admin.status).toBe(200);
    expect(admin.body.items.map((a: { id: string }) => a.id)).toEqual([
      'cn-isales',
      'in-ozonetel',
      'in-ozonetel-token',
    ]);
    expect(admin.text).not.toMatch(/sandbox-sk|sandbox-ak|sandbox-ozonetel-key/);

    const operator = await gateway.as(KEYS.operator).get('/v1/accounts');
    expect(operator.body).toEqual({
      items: [
        {
          id: 'cn-isales',
          provider: 'isales',
          capabilities: ['campaigns.pause', 'campaigns.resume'],
          bulkDelete: { enabled: false },
        },
      ],
    });
    const ozonetelOnly = await gateway.as(KEYS.ozonetelOnly).get('/v1/accounts');
    expect(ozonetelOnly.body).toEqual({
      items: [
        {
          id: 'in-ozonetel',
          provider: 'ozonetel',
          capabilities: ['contacts.delete'],
          bulkDelete: { enabled: false },
        },
      ],
    });
  });

  it('lists the providers with their capabilities and documented limits', async () => {
    const { gateway } = h();
    const answer = await gateway.as(KEYS.ozonetelOnly).get('/v1/providers');
    expect(answer.status).toBe(200);
    const ozonetel = answer.body.items.find((p: { name: string }) => p.name === 'ozonetel');
    expect(ozonetel).toMatchObject({
      capabilities: ['contacts.delete'],
      limits: { rateLimit: { limit: 100, windowMs: 60000 } },
    });
    const isales = answer.body.items.find((p: { name: string }) => p.name === 'isales');
    expect(isales.capabilities).toHaveLength(7);
  });

  it('answers 404 account_not_found, not 403, for an account the client may not see, and for one that does not exist', async () => {
    const { gateway, sandbox } = h();
    const hidden = await gateway.as(KEYS.ozonetelOnly).post('/v1/accounts/cn-isales/campaigns/1002/pause');
    expectProblem(hidden, 404, 'account_not_found');
    const missing = await gateway.as(KEYS.admin).post('/v1/accounts/no-such-account/campaigns/1002/pause');
    expectProblem(missing, 404, 'account_not_found');
    expect(hidden.body.detail.replace('cn-isales', 'X')).toBe(
      missing.body.detail.replace('no-such-account', 'X'),
    );
    expect(await allVendorCalls(sandbox)).toEqual([]);
  });

  it('checks the body before the account: an invalid body to a hidden account is 400, a valid one 404', async () => {
    const { gateway, sandbox } = h();
    const ozonetelOnly = gateway.as(KEYS.ozonetelOnly);
    const invalid = await ozonetelOnly.post('/v1/accounts/cn-isales/callbacks', {
      body: { campaignId: 1001 },
    });
    expectProblem(invalid, 400, 'validation_failed');
    const callback = {
      campaignId: '1001',
      phoneNumber: '66660001',
      scheduledAt: '2030-01-01T10:00:00Z',
      mode: 'automatic',
    };
    const hidden = await ozonetelOnly.post('/v1/accounts/cn-isales/callbacks', { body: callback });
    expectProblem(hidden, 404, 'account_not_found');
    expect(await allVendorCalls(sandbox)).toEqual([]);
  });

  it('answers 403 forbidden for a granted account used outside the grant, and lets the granted purpose through', async () => {
    const { gateway, sandbox } = h();
    const operator = gateway.as(KEYS.operator);
    expectProblem(await operator.delete('/v1/accounts/cn-isales/campaigns/1003'), 403, 'forbidden');
    expectProblem(
      await operator.post('/v1/accounts/cn-isales/campaigns/1001/contacts/delete', {
        body: { phoneNumbers: ['66660001'] },
      }),
      403,
      'forbidden',
    );
    expect(await allVendorCalls(sandbox)).toEqual([]);
    expect((await operator.post('/v1/accounts/cn-isales/campaigns/1002/pause')).status).toBe(200);
  });
});
