import { expectProblem, useHarness } from './support/harness';
import { inHours, rfc3339 } from './support/time';

/**
 * Every iSales result code in vendors.md, answered by the sandbox on the operation where the vendor
 * pages list it, and what the gateway makes of it. Codes the sandbox produces from its own state are
 * also covered in the resource suites; this one pins the whole table.
 */
type Operation = 'delete' | 'pause' | 'resume' | 'contact' | 'filter' | 'create' | 'cancel';

const ROWS: [code: string, operation: Operation, status: number, catalogue: string][] = [
  ['0200001', 'pause', 422, 'provider_rejected'],
  ['0200006', 'delete', 502, 'provider_error'],
  ['0200007', 'resume', 404, 'campaign_not_found'],
  ['0200009', 'delete', 409, 'campaign_running'],
  ['0200011', 'pause', 409, 'campaign_state_conflict'],
  ['0200011', 'resume', 409, 'campaign_state_conflict'],
  ['0200028', 'filter', 409, 'contact_not_deletable'],
  ['0200030', 'filter', 422, 'provider_rejected'],
  ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11'].map(
    (n) => [`020000${n}`, 'delete', 422, 'provider_rejected'] as [string, Operation, number, string],
  ),
  ['04000001', 'create', 422, 'invalid_schedule'],
  ['04000002', 'create', 422, 'provider_rejected'],
  ['04000003', 'create', 422, 'phone_number_blocked'],
  ['04000004', 'cancel', 404, 'callback_not_found'],
  ['04000005', 'cancel', 409, 'callback_in_progress'],
  ['0299999', 'pause', 502, 'provider_error'],
];

describe('iSales result codes through the gateway', () => {
  const h = useHarness();

  const send = (operation: Operation) => {
    const api = h().admin;
    const base = '/v1/accounts/cn-isales';
    switch (operation) {
      case 'delete':
        return api.delete(`${base}/campaigns/1004`);
      case 'pause':
        return api.post(`${base}/campaigns/1002/pause`);
      case 'resume':
        return api.post(`${base}/campaigns/1001/resume`);
      case 'contact':
        return api.post(`${base}/campaigns/1001/contacts/delete`, { body: { phoneNumbers: ['66660001'] } });
      case 'filter':
        return api.post(`${base}/campaigns/1001/contacts/delete`, { body: { customField: 'batch-7' } });
      case 'create':
        return api.post(`${base}/callbacks`, {
          body: {
            campaignId: '1001',
            phoneNumber: '66660001',
            scheduledAt: rfc3339(inHours(1)),
            mode: 'automatic',
          },
        });
      case 'cancel':
        return api.delete(`${base}/callbacks/174712034211433247704877116507`);
    }
  };

  it.each(ROWS)(
    '%s on %s is %i %s, with the vendor code kept',
    async (code, operation, status, catalogue) => {
      const body = JSON.stringify({
        resultCode: code,
        resultDesc: `desc ${code}`,
        returnCode: code,
        returnDesc: `desc ${code}`,
      });
      await h().sandbox.isales.post('/__sandbox/faults', { body: { kind: 'answer', status: 200, body } });
      const answer = await send(operation);
      expectProblem(answer, status, catalogue);
      expect(answer.body.provider).toMatchObject({ name: 'isales', code });
    },
  );

  it('reports 0200028 on a single number as outcome not_deletable, not as an error', async () => {
    const body = JSON.stringify({
      resultCode: '0200028',
      resultDesc: 'x',
      returnCode: '0200028',
      returnDesc: 'x',
    });
    await h().sandbox.isales.post('/__sandbox/faults', { body: { kind: 'answer', status: 200, body } });
    const answer = await send('contact');
    expect(answer.status).toBe(200);
    expect(answer.body.results[0]).toMatchObject({ outcome: 'not_deletable' });
  });

  it('keeps the leading zeros of a code that arrives as text, and refuses one that arrives as a number', async () => {
    await h().sandbox.isales.post('/__sandbox/faults', {
      body: { kind: 'answer', status: 200, body: '{"resultCode": 200007, "resultDesc": "x"}' },
    });
    const answer = await send('pause');
    expectProblem(answer, 502, 'provider_error');
  });
});
