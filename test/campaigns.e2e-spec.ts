import { allVendorCalls, expectProblem, useHarness } from './support/harness';
import { vendorCalls } from './support/sandbox';

const ISALES = '/v1/accounts/cn-isales/campaigns';
const CAMPAIGNS_PATH = '/rest/isales/v1/openapi/campaigns/101';

async function campaignStatus(sandbox: ReturnType<ReturnType<typeof useHarness>>['sandbox'], id: string) {
  const state = await sandbox.isales.get('/__sandbox/state');
  return state.body.campaigns.find((c: { id: string }) => c.id === id)?.status as number | undefined;
}

describe('campaigns on iSales', () => {
  const h = useHarness();

  it('pauses a running campaign and resumes it, signed as the vendor checks', async () => {
    const { admin, sandbox } = h();
    const paused = await admin.post(`${ISALES}/1002/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ campaignId: '1002', state: 'paused' });
    expect(await campaignStatus(sandbox, '1002')).toBe(3);

    const resumed = await admin.post(`${ISALES}/1002/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toEqual({ campaignId: '1002', state: 'running' });
    expect(await campaignStatus(sandbox, '1002')).toBe(2);

    const calls = await vendorCalls(sandbox.isales);
    expect(calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `PUT ${CAMPAIGNS_PATH}/1002/pause 200`,
      `PUT ${CAMPAIGNS_PATH}/1002/resume 200`,
    ]);
  });

  it('answers 409 campaign_state_conflict for a pause or resume the campaign state refuses', async () => {
    const { admin } = h();
    const pause = await admin.post(`${ISALES}/1001/pause`); // suspended already
    expectProblem(pause, 409, 'campaign_state_conflict');
    expect(pause.body.provider).toMatchObject({ name: 'isales', code: '0200011' });
    expectProblem(await admin.post(`${ISALES}/1002/resume`), 409, 'campaign_state_conflict'); // running
  });

  it('deletes a campaign with 204 and sends archiveHistory as asked', async () => {
    const { admin, sandbox } = h();
    const deleted = await admin.delete(`${ISALES}/1003?archive=true`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(await campaignStatus(sandbox, '1003')).toBeUndefined();
    expect((await admin.delete(`${ISALES}/1004`)).status).toBe(204);
    const bodies = (await vendorCalls(sandbox.isales)).map((c) => c.body);
    expect(bodies).toEqual([{ archiveHistory: 1 }, { archiveHistory: 0 }]);
  });

  it('answers 409 campaign_running for a running campaign and 404 campaign_not_found for an unknown one', async () => {
    const { admin } = h();
    const running = await admin.delete(`${ISALES}/1002`);
    expectProblem(running, 409, 'campaign_running');
    expect(running.body.provider).toMatchObject({ name: 'isales', code: '0200009' });
    const missing = await admin.post(`${ISALES}/424242/pause`);
    expectProblem(missing, 404, 'campaign_not_found');
    expect(missing.body.provider).toMatchObject({ name: 'isales', code: '0200007' });
  });

  it('rejects a non-numeric iSales id and a bad archive flag with 400, sending nothing', async () => {
    const { admin, sandbox } = h();
    const nonNumeric = await admin.post(`${ISALES}/spring-renewals/pause`);
    expectProblem(nonNumeric, 400, 'validation_failed');
    expect(nonNumeric.body.errors).toEqual([{ field: 'campaignId', message: expect.any(String) }]);
    const badFlag = await admin.delete(`${ISALES}/1003?archive=yes`);
    expectProblem(badFlag, 400, 'validation_failed');
    expect(badFlag.body.errors[0].field).toBe('archive');
    expect(await allVendorCalls(sandbox)).toEqual([]);
  });
});

describe('campaigns on Ozonetel', () => {
  const h = useHarness();

  it.each([
    ['delete', 'DELETE', '', 'campaigns.delete'],
    ['pause', 'POST', '/pause', 'campaigns.pause'],
    ['resume', 'POST', '/resume', 'campaigns.resume'],
  ] as const)(
    'answers %s with 501 operation_not_supported naming the provider and the operation',
    async (_name, method, suffix, capability) => {
      const { admin, sandbox } = h();
      const path = `/v1/accounts/in-ozonetel/campaigns/Renewals_Q4${suffix}`;
      const answer = method === 'DELETE' ? await admin.delete(path) : await admin.post(path);
      expectProblem(answer, 501, 'operation_not_supported');
      expect(answer.body.detail).toContain('ozonetel');
      expect(answer.body.detail).toContain(capability);
      expect(answer.body.provider).toEqual({ name: 'ozonetel' });
      expect(await allVendorCalls(sandbox)).toEqual([]);
    },
  );
});
