import { allVendorCalls, expectProblem, useHarness } from './support/harness';
import { waitForOperation } from './support/operations';
import { ozonetelDeleteCalls, SANDBOX_CA_FILE, vendorCalls } from './support/sandbox';

const ISALES = '/v1/accounts/cn-isales/campaigns';

describe('contacts delete on iSales', () => {
  const h = useHarness();
  const del = (campaign: string, body: unknown) =>
    h().admin.post(`${ISALES}/${campaign}/contacts/delete`, { body });

  it('deletes one number within the request and reports it', async () => {
    const answer = await del('1001', { phoneNumbers: ['66660001'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      requested: 1,
      deleted: 1,
      notFound: 0,
      notDeletable: 0,
      failed: 0,
      results: [{ phoneNumber: '66660001', outcome: 'deleted' }],
    });
    const calls = await vendorCalls(h().sandbox.isales);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/rest/isales/v1/openapi/campaigns/101/calldata/1001/delete',
      status: 200,
    });
    expect(calls[0].body).toMatchObject({ called: '66660001' });
  });

  it('counts a duplicated number once and sends one call', async () => {
    const answer = await del('1001', { phoneNumbers: ['66660002', '66660002'] });
    expect(answer.body).toMatchObject({ requested: 1, deleted: 1 });
    expect(await vendorCalls(h().sandbox.isales)).toHaveLength(1);
  });

  it('reports a number the vendor does not have as not_found, a second delete included', async () => {
    expect((await del('1001', { phoneNumbers: ['66660099'] })).body).toMatchObject({
      notFound: 1,
      results: [{ outcome: 'not_found' }],
    });
    await del('1001', { phoneNumbers: ['66660001'] });
    expect((await del('1001', { phoneNumbers: ['66660001'] })).body).toMatchObject({
      deleted: 0,
      notFound: 1,
    });
  });

  it('reports a number being called as not_deletable with the vendor code', async () => {
    const answer = await del('1001', { phoneNumbers: ['66660009'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      notDeletable: 1,
      results: [
        {
          phoneNumber: '66660009',
          outcome: 'not_deletable',
          error: { code: 'contact_not_deletable', provider: { name: 'isales', code: '0200028' } },
        },
      ],
    });
  });

  it('deletes by customField, sessionId and scheduled time with one call each, reporting the vendor count', async () => {
    const byField = await del('1001', { customField: 'batch-7', archive: true });
    expect(byField.status).toBe(200);
    expect(byField.body).toEqual({
      requested: 0,
      deleted: 3,
      notFound: 0,
      notDeletable: 0,
      failed: 0,
      results: [],
    });
    expect((await del('1001', { sessionId: 'sess-6' })).body.deleted).toBe(1);
    const bySchedule = await del('1001', {
      scheduledTime: { at: '2026-12-04T17:57:00+08:00', match: 'exact' },
    });
    expect(bySchedule.body.deleted).toBe(1);
    const bodies = (await vendorCalls(h().sandbox.isales)).map((c) => c.body);
    expect(bodies).toEqual([
      { customField: 'batch-7', archiveHistory: 1 },
      { sessionId: 'sess-6' },
      { recycleTime: '2026-12-04 17:57:00', recycleType: '3' },
    ]);
  });

  it('maps the scheduled-time matches to the vendor recycle types', async () => {
    await del('1001', { scheduledTime: { at: '2026-12-04T09:00:00+08:00', match: 'onOrBefore' } });
    await del('1001', { scheduledTime: { at: '2026-12-04T09:00:00.250+08:00', match: 'sameDay' } });
    const bodies = (await vendorCalls(h().sandbox.isales)).map((c) => c.body);
    expect(bodies).toEqual([
      { recycleTime: '2026-12-04 09:00:00', recycleType: '1' },
      { recycleTime: '2026-12-04 09:00:00', recycleType: '2' },
    ]);
  });

  it("sends the scheduled time as the server's wall clock, whatever offset the caller wrote", async () => {
    // 09:57 UTC is 17:57 in Shanghai, the account's (and the demo server's) zone: number 66660007.
    const bySchedule = await del('1001', { scheduledTime: { at: '2026-12-04T09:57:00Z', match: 'exact' } });
    expect(bySchedule.body.deleted).toBe(1);
    // 23:30 UTC on the 3rd is already the 4th in Shanghai.
    await h().sandbox.isales.post('/__sandbox/reset');
    const sameDay = await del('1001', { scheduledTime: { at: '2026-12-03T23:30:00Z', match: 'sameDay' } });
    expect(sameDay.body.deleted).toBe(1);
    const bodies = (await vendorCalls(h().sandbox.isales)).map((c) => c.body);
    expect(bodies).toEqual([{ recycleTime: '2026-12-04 07:30:00', recycleType: '2' }]);
  });

  it('answers 409 contact_not_deletable when a filter matches numbers the vendor will not delete', async () => {
    const answer = await del('1002', { phoneNumbers: ['77770001'] });
    expect(answer.body.results[0].outcome).toBe('not_deletable'); // running campaign
    const state = (await h().sandbox.isales.get('/__sandbox/state')).body;
    state.campaigns
      .find((c: any) => c.id === '1001')
      .numbers.find((n: any) => n.called === '66660009').customField = 'batch-9';
    await h().sandbox.isales.put('/__sandbox/state', { body: state });
    const filter = await del('1001', { customField: 'batch-9' });
    expectProblem(filter, 409, 'contact_not_deletable');
    expect(filter.body.provider).toMatchObject({ name: 'isales', code: '0200028' });
  });

  it('answers 404 campaign_not_found for an unknown campaign', async () => {
    const answer = await del('9999', { phoneNumbers: ['66660001'] });
    expectProblem(answer, 404, 'campaign_not_found');
    expect(answer.body.provider.code).toBe('0200007');
  });

  it('turns a list needing several calls into an operation (see operations.e2e-spec.ts)', async () => {
    const answer = await del('1001', { phoneNumbers: ['66660001', '66660002'] });
    expect(answer.status).toBe(202);
    expect(answer.headers.location).toBe(`/v1/operations/${answer.body.id}`);
    const done = await waitForOperation(h().admin, answer.body.id);
    expect(done.progress).toMatchObject({ total: 2, deleted: 2 });
  });

  it.each([
    ['no selector', {}, 'phoneNumbers'],
    ['only options', { archive: true }, 'phoneNumbers'],
    ['an empty list', { phoneNumbers: [] }, 'phoneNumbers'],
    ['a number with letters, named by index', { phoneNumbers: ['66660001', '6666abc'] }, 'phoneNumbers[1]'],
    ['a number over 24 characters', { phoneNumbers: ['1'.repeat(25)] }, 'phoneNumbers[0]'],
    ['a number that is not a string', { phoneNumbers: [66660001] }, 'phoneNumbers[0]'],
    ["a leading + (iSales' own rule)", { phoneNumbers: ['+919812345678'] }, 'phoneNumbers[0]'],
    ['a sessionId over 32', { sessionId: 's'.repeat(33) }, 'sessionId'],
    ['a customField over 200', { customField: 'c'.repeat(201) }, 'customField'],
    [
      'a scheduled time without offset',
      { scheduledTime: { at: '2026-12-04T17:57:00', match: 'exact' } },
      'scheduledTime.at',
    ],
    [
      'an impossible date',
      { scheduledTime: { at: '2026-02-30T17:57:00Z', match: 'exact' } },
      'scheduledTime.at',
    ],
    [
      'an unknown match',
      { scheduledTime: { at: '2026-12-04T17:57:00Z', match: 'before' } },
      'scheduledTime.match',
    ],
    ['archive that is not a boolean', { phoneNumbers: ['66660001'], archive: 'yes' }, 'archive'],
    ['an unknown field', { phoneNumbers: ['66660001'], called: '1' }, 'called'],
  ])('rejects %s with 400 naming the field, sending nothing', async (_name, body, field) => {
    const answer = await del('1001', body);
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it.each([
    [{ phoneNumbers: ['66660003'], customField: 'batch-7' }, ['phoneNumbers', 'customField']],
    [{ phoneNumbers: ['66660006'], sessionId: 'sess-6' }, ['phoneNumbers', 'sessionId']],
    [
      {
        phoneNumbers: ['66660007', '66660008'],
        scheduledTime: { at: '2026-12-04T09:57:00Z', match: 'exact' },
      },
      ['phoneNumbers', 'scheduledTime'],
    ],
    [{ sessionId: 'sess-6', customField: 'batch-7', archive: true }, ['sessionId', 'customField']],
    [
      {
        phoneNumbers: ['66660001'],
        sessionId: 'sess-6',
        customField: 'batch-7',
        scheduledTime: { at: '2026-12-04T09:57:00Z', match: 'exact' },
      },
      ['phoneNumbers', 'sessionId', 'customField', 'scheduledTime'],
    ],
  ])('rejects two or more selectors (%j) with 400 naming them, sending nothing', async (body, fields) => {
    const answer = await del('1001', { ...body });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(answer.body.detail).toMatch(/exactly one selector/);
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it('rejects a request without a selector with 400 naming the four', async () => {
    const answer = await del('1001', { archive: true });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'phoneNumbers',
      'sessionId',
      'customField',
      'scheduledTime',
    ]);
  });

  it('rejects more than 200,000 numbers with 400, sending nothing', async () => {
    const phoneNumbers = Array.from({ length: 200_001 }, (_, i) => String(10_000_000 + i));
    const answer = await del('1001', { phoneNumbers });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors[0].field).toBe('phoneNumbers');
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it('answers 422 field_not_supported for contactName, naming it', async () => {
    const answer = await del('1001', { phoneNumbers: ['66660001'], contactName: 'Asha' });
    expectProblem(answer, 422, 'field_not_supported');
    expect(answer.body.errors).toEqual([{ field: 'contactName', message: expect.any(String) }]);
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });
});

describe("contacts delete on iSales: the account's timeZone", () => {
  // Two accounts on the same server: one configured with its zone, one left at the default (UTC).
  const h = useHarness((vendors) => ({
    patch: { 'cn-isales': { timeZone: 'Asia/Kolkata' } },
    accounts: [
      {
        id: 'cn-isales-utc',
        provider: 'isales',
        baseUrl: vendors.isalesUrl,
        caFile: SANDBOX_CA_FILE,
        vdnId: 101,
        // A second access key on the same tenant (one vendor account is configured once).
        accessKey: 'sandbox-ak-2',
        secretKey: 'sandbox-sk-2',
        timeoutMs: 2000,
      },
    ],
  }));

  beforeEach(async () => {
    const state = (await h().sandbox.isales.get('/__sandbox/state')).body;
    state.tenants.push({ vdnId: 101, accessKey: 'sandbox-ak-2', secretKey: 'sandbox-sk-2' });
    expect((await h().sandbox.isales.put('/__sandbox/state', { body: state })).status).toBe(200);
    // The server keeps India time; number 66660008 is due 2026-12-01T18:30:00Z, i.e. 2026-12-02 00:00:00 there.
    await h().sandbox.isales.put('/__sandbox/tenants/101', { body: { timeZone: 'Asia/Kolkata' } });
    const due = await h().sandbox.isales.put('/__sandbox/campaigns/101/1001/numbers/66660008/recycle-time', {
      body: { at: '2026-12-01T18:30:00Z' },
    });
    expect(due.body.recycleTime).toBe('2026-12-02 00:00:00');
  });

  const del = (account: string, scheduledTime: object) =>
    h().admin.post(`/v1/accounts/${account}/campaigns/1001/contacts/delete`, { body: { scheduledTime } });

  it('deletes by the wall clock of the configured zone: 18:30Z is sent as 2026-12-02 00:00:00 in Asia/Kolkata', async () => {
    const answer = await del('cn-isales', { at: '2026-12-01T18:30:00Z', match: 'exact' });
    expect(answer.status).toBe(200);
    expect(answer.body.deleted).toBe(1);
    const [sent] = await vendorCalls(h().sandbox.isales);
    expect(sent.body).toEqual({ recycleTime: '2026-12-02 00:00:00', recycleType: '3' });
  });

  it('matches the day in the zone: 23:30Z on the 1st is the 2nd in India', async () => {
    expect((await del('cn-isales', { at: '2026-12-01T23:30:00Z', match: 'sameDay' })).body.deleted).toBe(1);
  });

  it('misses with an account whose zone does not match the server (the mistake the setting prevents)', async () => {
    const answer = await del('cn-isales-utc', { at: '2026-12-01T18:30:00Z', match: 'exact' });
    expect(answer.body.deleted).toBe(0);
    const [sent] = await vendorCalls(h().sandbox.isales);
    expect(sent.body).toEqual({ recycleTime: '2026-12-01 18:30:00', recycleType: '3' });
  });
});

describe('contacts delete on Ozonetel', () => {
  const h = useHarness();
  const del = (body: unknown, campaign = 'Renewals_Q4', account = 'in-ozonetel') =>
    h().admin.post(`/v1/accounts/${account}/campaigns/${encodeURIComponent(campaign)}/contacts/delete`, {
      body,
    });

  it('deletes one number with one request carrying the apiKey header and userName', async () => {
    const state = (await h().sandbox.ozonetel.get('/__sandbox/state')).body;
    state.campaigns[0].numbers[0].name = 'Asha';
    await h().sandbox.ozonetel.put('/__sandbox/state', { body: state });
    const answer = await del({ phoneNumbers: ['9812345601'], contactName: 'Asha', archive: false });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      requested: 1,
      deleted: 1,
      results: [{ phoneNumber: '9812345601', outcome: 'deleted' }],
    });
    const calls = await vendorCalls(h().sandbox.ozonetel);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'DELETE',
      path: '/ca_apis/deleteCampaignData',
      account: 'acme',
      status: 200,
    });
    expect(calls[0].body).toEqual({
      campaignName: 'Renewals_Q4',
      phoneNumber: '9812345601',
      userName: 'acme',
      name: 'Asha',
    });
  });

  it('reports "No Record Found" as not_found, an already deleted number included', async () => {
    await del({ phoneNumbers: ['9812345602'] });
    const again = await del({ phoneNumbers: ['9812345602'] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ deleted: 0, notFound: 1, results: [{ outcome: 'not_found' }] });
  });

  it('reads the double-encoded "Passed campaign are invalid" as 404 campaign_not_found', async () => {
    const answer = await del({ phoneNumbers: ['9812345601'] }, 'No_Such_Campaign');
    expectProblem(answer, 404, 'campaign_not_found');
    expect(answer.body.provider).toMatchObject({ name: 'ozonetel', message: 'Passed campaign are invalid' });
  });

  it('passes a campaign name with spaces and symbols through URL decoding', async () => {
    const state = (await h().sandbox.ozonetel.get('/__sandbox/state')).body;
    state.campaigns.push({
      userName: 'acme',
      name: 'Renewals Q4 / Hindi',
      numbers: [{ phoneNumber: '9812345699' }],
    });
    await h().sandbox.ozonetel.put('/__sandbox/state', { body: state });
    const answer = await del({ phoneNumbers: ['9812345699'] }, 'Renewals Q4 / Hindi');
    expect(answer.body).toMatchObject({ deleted: 1 });
  });

  it.each([
    ['255 ASCII characters', 'R'.repeat(255)],
    ['255 two-byte characters', 'é'.repeat(255)],
    ['255 four-byte characters', '📞'.repeat(255)],
  ])('takes a campaign name of %s in the path', async (_name, campaignName) => {
    const state = (await h().sandbox.ozonetel.get('/__sandbox/state')).body;
    state.campaigns.push({ userName: 'acme', name: campaignName, numbers: [{ phoneNumber: '9812345699' }] });
    await h().sandbox.ozonetel.put('/__sandbox/state', { body: state });
    const answer = await del({ phoneNumbers: ['9812345699'] }, campaignName);
    expect({ status: answer.status, deleted: answer.body.deleted }).toEqual({ status: 200, deleted: 1 });
    const [sent] = await ozonetelDeleteCalls(h().sandbox);
    expect(sent.body.campaignName).toBe(campaignName);
  });

  it.each([
    [
      'a 5,000-character message, capped at 300',
      JSON.stringify({ status: 'Error', message: 'w'.repeat(5000) }),
    ],
    ['an answer over 64 KiB, not read', JSON.stringify({ status: 'Success', message: 'x'.repeat(70_000) })],
  ])('answers %s as 502 provider_error', async (_name, body) => {
    await h().sandbox.ozonetel.post('/__sandbox/faults', { body: { kind: 'answer', status: 200, body } });
    const answer = await del({ phoneNumbers: ['9812345601'] });
    expectProblem(answer, 502, 'provider_error');
    expect(answer.body.provider.name).toBe('ozonetel');
    expect((answer.body.provider.message ?? '').length).toBeLessThanOrEqual(301);
    expect(answer.text.length).toBeLessThan(1000);
  });

  it('refuses a campaign name of 256 characters with 400 naming campaignId, as problem+json', async () => {
    const answer = await del({ phoneNumbers: ['9812345601'] }, 'é'.repeat(256));
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors[0].field).toBe('campaignId');
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it.each([
    ['sessionId', { sessionId: 's' }],
    ['customField', { customField: 'batch-7' }],
    ['scheduledTime', { scheduledTime: { at: '2026-12-04T17:57:00Z', match: 'exact' } }],
    ['archive', { phoneNumbers: ['9812345601'], archive: true }],
  ])('answers 422 field_not_supported for %s, sending nothing', async (field, body) => {
    const answer = await del(body);
    expectProblem(answer, 422, 'field_not_supported');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it('rejects a list of numbers with another selector with 400 before anything else, sending nothing', async () => {
    const answer = await del({ phoneNumbers: ['9812345601'], sessionId: 's' });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['phoneNumbers', 'sessionId']);
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it.each([
    ['too short', '12'],
    ['too long', '12345678901234567'],
    ['a star', '*98123'],
  ])("rejects a number %s for Ozonetel's own rule with 400, sending nothing", async (_name, number) => {
    const answer = await del({ phoneNumbers: ['9812345601', number] });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors[0].field).toBe('phoneNumbers[1]');
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it('turns a list needing several calls into an operation, leading + and all', async () => {
    const answer = await del({ phoneNumbers: ['9812345601', '+919812345602'] });
    expect(answer.status).toBe(202);
    const done = await waitForOperation(h().admin, answer.body.id);
    expect(done.progress).toMatchObject({ total: 2, deleted: 1, notFound: 1 });
  });
});
