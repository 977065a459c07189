import { allVendorCalls, expectProblem, useHarness } from './support/harness';
import { vendorCalls } from './support/sandbox';
import { inHours, rfc3339 } from './support/time';

const CALLBACKS = '/v1/accounts/cn-isales/callbacks';

describe('callbacks on iSales', () => {
  const h = useHarness();
  const create = (body: unknown) => h().admin.post(CALLBACKS, { body });
  const manual = () => ({
    campaignId: '1001',
    phoneNumber: '66660001',
    scheduledAt: rfc3339(inHours(2)),
    mode: 'manual',
    agentId: 'agent001',
    note: 'After lunch',
  });

  it('books a manual callback: 201, Location, and the vendor gets callType 1, the agent and epoch milliseconds', async () => {
    const body = manual();
    const answer = await create(body);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.stringMatching(/^\d{30}$/),
      campaignId: '1001',
      phoneNumber: '66660001',
      scheduledAt: body.scheduledAt,
      mode: 'manual',
    });
    expect(answer.headers.location).toBe(`${CALLBACKS}/${answer.body.id}`);
    const [sent] = await vendorCalls(h().sandbox.isales);
    expect(sent).toMatchObject({
      method: 'POST',
      path: '/rest/isales/v1/openapi/campaigns/101/appoint/create',
    });
    expect(sent.body).toEqual({
      callType: '1',
      calledNo: '66660001',
      userAccount: 'agent001',
      taskId: '1001',
      appointTime: Date.parse(body.scheduledAt),
      remark: 'After lunch',
    });
  });

  it('books an automatic callback with call data sent as JSON text', async () => {
    const answer = await create({
      campaignId: '1001',
      phoneNumber: '66660002',
      scheduledAt: rfc3339(inHours(3), -300),
      mode: 'automatic',
      callData: { orderId: 'A-1001', tier: 'gold' },
    });
    expect(answer.status).toBe(201);
    const [sent] = await vendorCalls(h().sandbox.isales);
    expect(sent.body).toMatchObject({ callType: '2', calledNo: '66660002', taskId: '1001' });
    expect(JSON.parse(sent.body.callData)).toEqual({ orderId: 'A-1001', tier: 'gold' });
    expect(sent.body.userAccount).toBeUndefined();
  });

  it.each(['id', 'appointId'])(
    'books and cancels when the vendor answers the new id as returnObject.%s',
    async (appointIdField) => {
      await h().sandbox.isales.put('/__sandbox/tenants/101', { body: { appointIdField } });
      const answer = await create(manual());
      expect(answer.status).toBe(201);
      const [sent] = await vendorCalls(h().sandbox.isales);
      expect(Object.keys(sent.response.returnObject)).toEqual([appointIdField]);
      expect(answer.body.id).toBe(sent.response.returnObject[appointIdField]);
      expect((await h().admin.delete(`${CALLBACKS}/${answer.body.id}`)).status).toBe(204);
      expect((await h().sandbox.isales.get('/__sandbox/state')).body.reservations).toEqual([]);
    },
  );

  it('answers a create refused with 0200006 as 502 provider_error and sends it once', async () => {
    const armed = await h().sandbox.isales.post('/__sandbox/faults', {
      body: {
        kind: 'answer',
        status: 200,
        path: '/appoint/create',
        body: JSON.stringify({
          resultCode: '0200006',
          resultDesc: 'Database operation error.',
          returnCode: '0200006',
          returnDesc: 'Database operation error.',
        }),
      },
    });
    expect(armed.status).toBe(201);
    const answer = await create(manual());
    expectProblem(answer, 502, 'provider_error');
    expect(answer.body.provider).toMatchObject({ name: 'isales', code: '0200006' });
    expect(answer.body.detail).toMatch(/may exist/);
    expect(answer.headers['retry-after']).toBeUndefined();
    const calls = await vendorCalls(h().sandbox.isales);
    expect(calls.map((c) => c.path)).toEqual(['/rest/isales/v1/openapi/campaigns/101/appoint/create']);
  });

  it('sends callData keys named after Object methods (toString, valueOf, hasOwnProperty) as given', async () => {
    const callData = { toString: 'x', valueOf: 1, hasOwnProperty: true, order: 'A-1' };
    const answer = await create({
      ...manual(),
      mode: 'automatic',
      agentId: undefined,
      note: undefined,
      callData,
    });
    expect(answer.status).toBe(201);
    const [sent] = await vendorCalls(h().sandbox.isales);
    expect(JSON.parse(sent.body.callData)).toEqual(callData);
  });

  it('sends callData nested 30 levels intact, and refuses deeper nesting with 400 naming the body', async () => {
    const nested = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    const ok = await create({ ...manual(), mode: 'automatic', agentId: undefined, callData: nested(30) });
    expect(ok.status).toBe(201);
    const [sent] = await vendorCalls(h().sandbox.isales);
    expect(JSON.parse(sent.body.callData)).toEqual(nested(30));
    for (const depth of [40, 5000]) {
      // Written as text: nesting this deep overflows JSON.stringify itself.
      const fields = { ...manual(), mode: 'automatic', agentId: undefined };
      const deep = await h().admin.post(CALLBACKS, {
        rawBody: `${JSON.stringify(fields).slice(0, -1)},"callData":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(deep, 400, 'validation_failed');
      expect(deep.body.errors[0].field).toBe('body');
    }
    expect(await vendorCalls(h().sandbox.isales)).toHaveLength(1);
  });

  it('cancels a callback with 204, then answers 404 callback_not_found for it', async () => {
    const { id } = (await create(manual())).body;
    expect((await h().admin.delete(`${CALLBACKS}/${id}`)).status).toBe(204);
    const again = await h().admin.delete(`${CALLBACKS}/${id}`);
    expectProblem(again, 404, 'callback_not_found');
    expect(again.body.provider).toMatchObject({ name: 'isales', code: '04000004' });
  });

  it('answers 409 callback_in_progress while the callback is being dialled', async () => {
    const { id } = (await create(manual())).body;
    const state = (await h().sandbox.isales.get('/__sandbox/state')).body;
    state.reservations.find((r: { id: string }) => r.id === id).state = 'calling';
    await h().sandbox.isales.put('/__sandbox/state', { body: state });
    const answer = await h().admin.delete(`${CALLBACKS}/${id}`);
    expectProblem(answer, 409, 'callback_in_progress');
    expect(answer.body.provider.code).toBe('04000005');
  });

  it('answers 422 phone_number_blocked for a blocklisted number', async () => {
    const answer = await create({ ...manual(), phoneNumber: '66669999' });
    expectProblem(answer, 422, 'phone_number_blocked');
    expect(answer.body.provider.code).toBe('04000003');
  });

  it('answers 404 campaign_not_found for an unknown campaign', async () => {
    expectProblem(await create({ ...manual(), campaignId: '999999' }), 404, 'campaign_not_found');
  });

  it.each([
    ['a time in the past', { scheduledAt: rfc3339(inHours(-1)) }, 'scheduledAt'],
    ['a time without offset', { scheduledAt: '2030-12-01T10:30:00' }, 'scheduledAt'],
    ['a manual callback without agent', { agentId: undefined }, 'agentId'],
    ['call data on a manual callback', { callData: { a: 1 } }, 'callData'],
    [
      'call data over 1024 characters',
      { mode: 'automatic', callData: { blob: 'x'.repeat(1020) } },
      'callData',
    ],
    ['call data that is not an object', { mode: 'automatic', callData: 'text' }, 'callData'],
    ['a note over 200 characters', { note: 'n'.repeat(201) }, 'note'],
    ['an unknown mode', { mode: 'robot' }, 'mode'],
    ['a number with letters', { phoneNumber: '6666-0001' }, 'phoneNumber'],
    ['a non-numeric iSales campaign', { campaignId: 'spring' }, 'campaignId'],
    ['a leading + on iSales', { phoneNumber: '+6666000' }, 'phoneNumber'],
    ['a missing campaign', { campaignId: undefined }, 'campaignId'],
  ])('rejects %s with 400 naming the field, sending nothing', async (_name, change, field) => {
    const answer = await create({ ...manual(), ...change });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it('rejects a non-numeric callback id with 400, sending nothing', async () => {
    const answer = await h().admin.delete(`${CALLBACKS}/not-a-number`);
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors[0].field).toBe('callbackId');
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });

  it('answers 501 on Ozonetel for both callback routes', async () => {
    const body = { ...manual(), campaignId: 'Renewals_Q4', phoneNumber: '9812345601' };
    expectProblem(
      await h().admin.post('/v1/accounts/in-ozonetel/callbacks', { body }),
      501,
      'operation_not_supported',
    );
    expectProblem(
      await h().admin.delete('/v1/accounts/in-ozonetel/callbacks/123'),
      501,
      'operation_not_supported',
    );
    expect(await allVendorCalls(h().sandbox)).toEqual([]);
  });
});
