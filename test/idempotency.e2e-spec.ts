import { randomUUID } from 'node:crypto';
import { startTestGateway, testConfig, TestGateway } from './support/gateway';
import { expectProblem } from './support/harness';
import { KEYS } from './support/keys';
import { startTestRedis, TestRedis } from './support/redis';
import { BOTH_STORES } from './support/stores';
import { resetSandbox, startTestSandbox, TestSandbox, vendorCalls } from './support/sandbox';

describe.each(BOTH_STORES)('Idempotency-Key with the %s store', (_name, createStore) => {
  let redis: TestRedis;
  let sandbox: TestSandbox;
  let gateway: TestGateway;

  beforeAll(async () => {
    redis = await startTestRedis();
    sandbox = await startTestSandbox();
    gateway = await startTestGateway(
      testConfig(sandbox, { settings: { idempotencyLeaseMs: 1000 } }),
      await createStore(redis),
    );
  });
  beforeEach(() => resetSandbox(sandbox));
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
    await redis.stop();
  });

  const admin = () => gateway.as(KEYS.admin);
  const pause = (key: string, client = admin()) =>
    client.post('/v1/accounts/cn-isales/campaigns/1002/pause', { headers: { 'idempotency-key': key } });
  const deleteNumber = (key: string, phoneNumbers: unknown[], account = 'cn-isales', campaign = '1001') =>
    admin().post(`/v1/accounts/${account}/campaigns/${campaign}/contacts/delete`, {
      body: { phoneNumbers },
      headers: { 'idempotency-key': key },
    });

  it('runs a request once and replays its answer for a retry with the same key', async () => {
    const key = randomUUID();
    const first = await pause(key);
    const second = await pause(key);
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.text).toBe(first.text);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(await vendorCalls(sandbox.isales)).toHaveLength(1);
  });

  it('takes the quoted structured-field form and the bare form as the same key', async () => {
    await pause('"order-42"');
    const bare = await pause('order-42');
    expect(bare.headers['idempotent-replayed']).toBe('true');
    expect(await vendorCalls(sandbox.isales)).toHaveLength(1);
  });

  it.each([
    ['empty', '""'],
    ['a space inside', 'two words'],
    ['non-ASCII', 'clé'],
    ['longer than 255', 'k'.repeat(256)],
  ])('rejects a key that is %s with 400 naming the header, sending nothing', async (_name, key) => {
    const answer = await pause(key);
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors[0].field).toBe('Idempotency-Key');
    expect(await vendorCalls(sandbox.isales)).toEqual([]);
  });

  it('treats a body with the same fields in another order as the same request', async () => {
    const key = randomUUID();
    const body1 = { phoneNumbers: ['66660001'], archive: true };
    const body2 = { archive: true, phoneNumbers: ['66660001'] };
    const path = '/v1/accounts/cn-isales/campaigns/1001/contacts/delete';
    const first = await admin().post(path, { body: body1, headers: { 'idempotency-key': key } });
    const second = await admin().post(path, { body: body2, headers: { 'idempotency-key': key } });
    expect(first.body.deleted).toBe(1);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('answers 422 idempotency_key_mismatch for the same key with another body or path', async () => {
    const key = randomUUID();
    expect((await deleteNumber(key, ['66660001'])).status).toBe(200);
    expectProblem(await deleteNumber(key, ['66660002']), 422, 'idempotency_key_mismatch');
    expectProblem(await pause(key), 422, 'idempotency_key_mismatch');
    expect(await vendorCalls(sandbox.isales)).toHaveLength(1);
  });

  it('answers 409 idempotency_key_in_use with Retry-After while the first request runs, then replays', async () => {
    const key = randomUUID();
    await sandbox.isales.post('/__sandbox/faults', { body: { kind: 'slow', delayMs: 800 } });
    const first = pause(key);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await pause(key);
    expectProblem(during, 409, 'idempotency_key_in_use');
    expect(Number(during.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await first).status).toBe(200);
    expect((await pause(key)).headers['idempotent-replayed']).toBe('true');
    expect(await vendorCalls(sandbox.isales)).toHaveLength(1);
  });

  it('keeps the key held past its lease while the first request is still running', async () => {
    const key = randomUUID();
    await sandbox.isales.post('/__sandbox/faults', { body: { kind: 'slow', delayMs: 1800 } });
    const first = pause(key);
    await new Promise((resolve) => setTimeout(resolve, 1400)); // longer than the 1000 ms lease
    expectProblem(await pause(key), 409, 'idempotency_key_in_use');
    expect((await first).status).toBe(200);
  });

  it('does not record a transient failure: a retry with the key runs again', async () => {
    const key = randomUUID();
    await sandbox.isales.post('/__sandbox/faults', { body: { kind: 'status500' } });
    expectProblem(await pause(key), 503, 'provider_unavailable');
    const retry = await pause(key);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await vendorCalls(sandbox.isales)).toHaveLength(2);
  });

  it('records a definite failure and replays it', async () => {
    const key = randomUUID();
    const first = await admin().post('/v1/accounts/cn-isales/campaigns/424242/pause', {
      headers: { 'idempotency-key': key },
    });
    expectProblem(first, 404, 'campaign_not_found');
    const again = await admin().post('/v1/accounts/cn-isales/campaigns/424242/pause', {
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(404);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await vendorCalls(sandbox.isales)).toHaveLength(1);
  });

  it('books a callback once when the create is retried', async () => {
    const key = randomUUID();
    const body = {
      campaignId: '1001',
      phoneNumber: '66660003',
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      mode: 'automatic',
    };
    const first = await admin().post('/v1/accounts/cn-isales/callbacks', {
      body,
      headers: { 'idempotency-key': key },
    });
    const second = await admin().post('/v1/accounts/cn-isales/callbacks', {
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.location).toBe(first.headers.location);
    expect(
      (await vendorCalls(sandbox.isales)).filter((c) => c.path.endsWith('/appoint/create')),
    ).toHaveLength(1);
  });

  it('keeps a create whose outcome is unknown (0200006) under its key: the retry is replayed, not re-sent', async () => {
    const key = randomUUID();
    await sandbox.isales.post('/__sandbox/faults', {
      body: {
        kind: 'answer',
        status: 200,
        path: '/appoint/create',
        body: '{"resultCode":"0200006","resultDesc":"Database operation error.","returnCode":"0200006","returnDesc":"Database operation error."}',
      },
    });
    const body = {
      campaignId: '1001',
      phoneNumber: '66660003',
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      mode: 'automatic',
    };
    const send = () =>
      admin().post('/v1/accounts/cn-isales/callbacks', { body, headers: { 'idempotency-key': key } });
    const first = await send();
    expectProblem(first, 502, 'provider_error');
    const retry = await send();
    expect(retry.status).toBe(502);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(
      (await vendorCalls(sandbox.isales)).filter((c) => c.path.endsWith('/appoint/create')),
    ).toHaveLength(1);
  });

  it('scopes keys by client and by account', async () => {
    const key = randomUUID();
    expect((await deleteNumber(key, ['9812345601'], 'in-ozonetel', 'Renewals_Q4')).status).toBe(200);
    // Same key, another account: another request.
    expect((await deleteNumber(key, ['66660001'])).headers['idempotent-replayed']).toBeUndefined();
    // Same key, another client, same account: another request.
    const other = await gateway
      .as(KEYS.ozonetelOnly)
      .post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
        body: { phoneNumbers: ['9812345601'] },
        headers: { 'idempotency-key': key },
      });
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body.results[0].outcome).toBe('not_found');
  });
});
