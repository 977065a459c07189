import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { RunningSandbox, startSandbox } from '../sandbox';

/*
 * The iSales simulator over real HTTPS, with a signer written here from vendors.md ("auth-v2") and
 * nothing else: it shares no code with the sandbox's verifier, so a misreading in one shows up.
 */

const AK = 'sandbox-ak';
const SK = 'sandbox-sk';
const BASE = '/rest/isales/v1/openapi/campaigns';
const JSON_TYPE = 'application/json; charset=UTF-8';

// normalize: percent-encode every UTF-8 byte except A-Z a-z 0-9 - . _ ~, upper-case hex.
function testNormalize(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /^[A-Za-z0-9\-._~]$/.test(char) ? char : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function hmacHex(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

interface SignInput {
  method: string;
  path: string;
  query?: [string, string][];
  /** Lower-case names; all of them are signed. */
  headers: Record<string, string>;
  body?: string;
  accessKey?: string;
  secretKey?: string;
}

function sign(input: SignInput): string {
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const names = Object.keys(input.headers).sort();
  const signedHeaders = names.join(';');
  const prefix = `auth-v2/${input.accessKey ?? AK}/${timestamp}/${signedHeaders}`;
  const signingKey = hmacHex(input.secretKey ?? SK, prefix);
  let canonical = `${input.method}\n${input.path}\n`;
  if (input.query && input.query.length > 0) {
    canonical +=
      input.query
        .map(([k, v]) => `${testNormalize(k)}=${testNormalize(v)}`)
        .sort()
        .join('&') + '\n';
  }
  canonical += signedHeaders + '\n';
  canonical += names.map((name) => `${name}:${testNormalize(input.headers[name].trim())}`).join('\n') + '\n';
  if (input.body) canonical += testNormalize(input.body);
  return `${prefix}/${hmacHex(signingKey, canonical)}`;
}

let sandbox: RunningSandbox;
let agent: Agent;
let host: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  const ca = readFileSync(join(__dirname, '..', '..', 'tls', 'ca.pem'), 'utf8');
  agent = new Agent({ connect: { ca } });
  host = new URL(sandbox.isalesUrl).host;
});

afterAll(async () => {
  await agent.close();
  await sandbox.close();
});

beforeEach(async () => {
  await control('POST', '/__sandbox/reset');
});

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  query?: [string, string][];
  vdnId?: number;
  contentType?: string | null;
  accessKey?: string;
  secretKey?: string;
  /** Changes applied after signing, to prove the signature covers them. */
  tamper?: { body?: string; path?: string; signedHost?: string };
}

interface Answer {
  status: number;
  body: any;
}

async function isales(method: string, suffix: string, options: CallOptions = {}): Promise<Answer> {
  const path = `${BASE}/${options.vdnId ?? 101}${suffix}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { host: options.tamper?.signedHost ?? host };
  const contentType = options.contentType === undefined ? JSON_TYPE : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const authorization = sign({
    method,
    path,
    query: options.query,
    headers,
    body,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
  });
  const sentPath = options.tamper?.path ?? path;
  const query = options.query?.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const sentHeaders: Record<string, string> = { ...headers, host, authorization };
  const response = await request(`${sandbox.isalesUrl}${sentPath}${query ? `?${query}` : ''}`, {
    method: method as 'GET',
    headers: sentHeaders,
    body: options.tamper?.body ?? body,
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === '' ? null : JSON.parse(text) };
}

async function control(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await request(`${sandbox.isalesUrl}${path}`, {
    method: method as 'GET',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === '' ? null : JSON.parse(text) };
}

async function campaign(id: string): Promise<any> {
  const state = await control('GET', '/__sandbox/state');
  return state.body.campaigns.find((c: any) => c.id === id);
}

function expectCode(answer: Answer, code: string): void {
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ resultCode: code, returnCode: code });
  expect(typeof answer.body.resultDesc).toBe('string');
  expect(typeof answer.body.returnDesc).toBe('string');
}

describe('auth-v2 signature', () => {
  it('accepts a correctly signed request', async () => {
    expectCode(await isales('PUT', '/1002/pause'), '0200000');
  });

  it('accepts a signed query and body', async () => {
    const list = await isales('GET', '', {
      query: [
        ['name', 'Spring renewals'],
        ['status', '3'],
      ],
      contentType: null,
    });
    expectCode(list, '0200000');
    expect(list.body.totalCount).toBe(1);
    expectCode(await isales('POST', '/appoint/list', { body: { offset: 0, limit: 10 } }), '0200000');
  });

  it('refuses a body changed after signing', async () => {
    const answer = await isales('POST', '/appoint/delete', {
      body: { appointId: '1' },
      tamper: { body: JSON.stringify({ appointId: '2' }) },
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: 'Unauthorized', reason: 'signature mismatch' });
  });

  it('refuses a path changed after signing', async () => {
    const answer = await isales('PUT', '/1002/pause', { tamper: { path: `${BASE}/101/1001/pause` } });
    expect(answer.status).toBe(401);
    expect((await campaign('1001')).status).toBe(3);
  });

  it('refuses a signature made for another host', async () => {
    const answer = await isales('PUT', '/1002/pause', { tamper: { signedHost: 'isales.example.com:443' } });
    expect(answer.status).toBe(401);
    expect((await campaign('1002')).status).toBe(2);
  });

  it('refuses a wrong secret key and an unknown access key', async () => {
    expect((await isales('PUT', '/1002/pause', { secretKey: 'wrong' })).status).toBe(401);
    const unknown = await isales('PUT', '/1002/pause', { accessKey: 'nobody' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.reason).toBe('unknown access key');
  });

  it('refuses a missing or malformed Authorization header, and one without host', async () => {
    const path = `${sandbox.isalesUrl}${BASE}/101/1002/pause`;
    const send = async (authorization?: string) =>
      request(path, {
        method: 'PUT',
        headers: authorization ? { authorization } : {},
        dispatcher: agent,
      }).then(async (r) => ({ status: r.statusCode, body: (await r.body.json()) as any }));
    expect((await send()).status).toBe(401);
    expect((await send('Bearer abc')).status).toBe(401);
    const noHost = await send(`auth-v2/${AK}/2024-01-01T00:00:00Z/content-type/${'a'.repeat(64)}`);
    expect(noHost.status).toBe(401);
    expect(noHost.body.reason).toBe('signedHeaders must include host');
  });
});

describe('request checks', () => {
  it('refuses a vdnId the tenant does not own or outside 1..9999 with 0200001', async () => {
    expectCode(await isales('PUT', '/1002/pause', { vdnId: 102 }), '0200001');
    expectCode(await isales('PUT', '/1002/pause', { vdnId: 0 }), '0200001');
    expectCode(await isales('PUT', '/1002/pause', { vdnId: 10000 }), '0200001');
  });

  it('answers a body that is not JSON with 0200001', async () => {
    expectCode(await isales('POST', '/appoint/create', { rawBody: 'not json{' }), '0200001');
  });

  it('answers a body without Content-Type with 0200001', async () => {
    expectCode(
      await isales('POST', '/appoint/delete', { body: { appointId: '1' }, contentType: null }),
      '0200001',
    );
  });
});

describe('campaigns', () => {
  it('deletes a campaign that is not running', async () => {
    const answer = await isales('DELETE', '/1001', { body: { archiveHistory: 1 } });
    expectCode(answer, '0200000');
    expect(answer.body.resultDesc).toBe('delete task success');
    expect(await campaign('1001')).toBeUndefined();
    expectCode(await isales('DELETE', '/1003'), '0200000');
  });

  it('refuses to delete a running or unknown campaign, or with a bad archiveHistory', async () => {
    expectCode(await isales('DELETE', '/1002'), '0200009');
    expectCode(await isales('DELETE', '/9999'), '0200007');
    expectCode(await isales('DELETE', '/1001', { body: { archiveHistory: 2 } }), '02000007');
    expect(await campaign('1001')).toBeDefined();
  });

  it('pauses only a running campaign', async () => {
    expectCode(await isales('PUT', '/1002/pause'), '0200000');
    expect((await campaign('1002')).status).toBe(3);
    expectCode(await isales('PUT', '/1002/pause'), '0200011');
    expectCode(await isales('PUT', '/1003/pause'), '0200011');
    expectCode(await isales('PUT', '/9999/pause'), '0200007');
  });

  it('resumes only a suspended campaign', async () => {
    expectCode(await isales('PUT', '/1001/resume'), '0200000');
    expect((await campaign('1001')).status).toBe(2);
    expectCode(await isales('PUT', '/1001/resume'), '0200011');
    expectCode(await isales('PUT', '/1004/resume'), '0200011');
    expectCode(await isales('PUT', '/9999/resume'), '0200007');
  });

  it('lists campaigns with status filter and paging', async () => {
    const all = await isales('GET', '', { contentType: null });
    expectCode(all, '0200000');
    expect(all.body.totalCount).toBe(4);
    const running = await isales('GET', '', { query: [['status', '2']], contentType: null });
    expect(running.body.data).toEqual([{ campaignId: '1002', name: 'Winter offers', status: 2 }]);
    const page2 = await isales('GET', '', {
      query: [
        ['curPage', '2'],
        ['rowsPerPage', '3'],
      ],
      contentType: null,
    });
    expect(page2.body.returnObject.map((c: any) => c.campaignId)).toEqual(['1004']);
    expectCode(await isales('GET', '', { query: [['rowsPerPage', '101']], contentType: null }), '02000007');
  });
});

describe('delete outbound numbers (calldata)', () => {
  const remaining = async (id: string) => (await campaign(id)).numbers.map((n: any) => n.called);

  it('deletes by called number and reports successCount', async () => {
    const answer = await isales('POST', '/calldata/1001/delete', { body: { called: '66660001' } });
    expectCode(answer, '0200000');
    expect(answer.body.successCount).toBe(1);
    expect(await remaining('1001')).not.toContain('66660001');
  });

  it('deletes every number carrying a customField', async () => {
    const answer = await isales('POST', '/calldata/1001/delete', { body: { customField: 'batch-7' } });
    expect(answer.body.successCount).toBe(3);
    expect(await remaining('1001')).not.toEqual(expect.arrayContaining(['66660003']));
  });

  it('refuses two selectors in one request with 02000009, deleting nothing (inferred)', async () => {
    const before = await remaining('1001');
    for (const body of [
      { customField: 'batch-7', called: '66660004' },
      { sessionId: 'sess-6', called: '66660006' },
      { customField: 'batch-7', recycleTime: '2026-12-04 17:57:00', recycleType: '1' },
    ]) {
      expectCode(await isales('POST', '/calldata/1001/delete', { body }), '02000009');
    }
    expect(await remaining('1001')).toEqual(before);
  });

  it('deletes by sessionId', async () => {
    const answer = await isales('POST', '/calldata/1001/delete', { body: { sessionId: 'sess-6' } });
    expect(answer.body.successCount).toBe(1);
  });

  it('matches recycleTime by type: 1 on or before the day, 2 that day, 3 exact', async () => {
    const call = (recycleTime: string, recycleType?: string) =>
      isales('POST', '/calldata/1001/delete', { body: { recycleTime, recycleType } });
    expect((await call('2026-12-03 23:59:59', '1')).body.successCount).toBe(0);
    expect((await call('2026-12-05 00:00:00', '2')).body.successCount).toBe(0);
    expect((await call('2026-12-04 17:57:01', '3')).body.successCount).toBe(0);
    expect((await call('2026-12-04 17:57:01')).body.successCount).toBe(0);
    expect((await call('2026-12-04 00:00:00', '2')).body.successCount).toBe(1);
    await control('POST', '/__sandbox/reset');
    expect((await call('2027-01-01 00:00:00', '1')).body.successCount).toBe(1);
    await control('POST', '/__sandbox/reset');
    expect((await call('2026-12-04 17:57:00')).body.successCount).toBe(1);
  });

  it("keeps recycle times in the tenant's zone: the control API converts an instant into it", async () => {
    const setAt = (at: string) =>
      control('PUT', '/__sandbox/campaigns/101/1001/numbers/66660008/recycle-time', { at });
    // The demo server keeps Shanghai time (+08:00).
    expect((await setAt('2026-12-01T18:30:00Z')).body.recycleTime).toBe('2026-12-02 02:30:00');
    await control('PUT', '/__sandbox/tenants/101', { timeZone: null });
    expect((await setAt('2026-12-01T18:30:00Z')).body.recycleTime).toBe('2026-12-01 18:30:00');
    const switched = await control('PUT', '/__sandbox/tenants/101', { timeZone: 'Asia/Kolkata' });
    expect(switched.body).toMatchObject({ vdnId: 101, timeZone: 'Asia/Kolkata' });
    expect((await setAt('2026-12-01T18:30:00Z')).body.recycleTime).toBe('2026-12-02 00:00:00');
    // The wire time is the server's wall clock: the UTC text of the same instant matches nothing.
    const utcText = await isales('POST', '/calldata/1001/delete', {
      body: { recycleTime: '2026-12-01 18:30:00', recycleType: '3' },
    });
    expect(utcText.body.successCount).toBe(0);
    const localText = await isales('POST', '/calldata/1001/delete', {
      body: { recycleTime: '2026-12-02 00:00:00', recycleType: '3' },
    });
    expect(localText.body.successCount).toBe(1);
  });

  it('refuses an unknown zone, a time without offset, and an unknown number on the control API', async () => {
    const badZone = await control('PUT', '/__sandbox/tenants/101', { timeZone: 'Mars/Olympus' });
    expect(badZone).toEqual({ status: 400, body: { error: expect.stringMatching(/timeZone/) } });
    const path = '/__sandbox/campaigns/101/1001/numbers/66660008/recycle-time';
    expect((await control('PUT', path, { at: '2026-12-01 18:30:00' })).status).toBe(400);
    const unknown = '/__sandbox/campaigns/101/1001/numbers/123/recycle-time';
    expect((await control('PUT', unknown, { at: '2026-12-01T18:30:00Z' })).status).toBe(404);
  });

  it('answers successCount 0 when nothing matches', async () => {
    const answer = await isales('POST', '/calldata/1001/delete', { body: { called: '12345' } });
    expectCode(answer, '0200000');
    expect(answer.body.successCount).toBe(0);
  });

  it('refuses numbers being called or already called, deleting nothing (0200028)', async () => {
    expectCode(await isales('POST', '/calldata/1001/delete', { body: { called: '66660009' } }), '0200028');
    expectCode(await isales('POST', '/calldata/1001/delete', { body: { called: '66660010' } }), '0200028');
    expect(await remaining('1001')).toEqual(expect.arrayContaining(['66660009', '66660010']));
  });

  it('refuses any match in a running campaign (0200028) but not an empty match', async () => {
    expectCode(await isales('POST', '/calldata/1002/delete', { body: { called: '77770001' } }), '0200028');
    expect(await remaining('1002')).toContain('77770001');
    const none = await isales('POST', '/calldata/1002/delete', { body: { called: '1' } });
    expectCode(none, '0200000');
    expect(none.body.successCount).toBe(0);
  });

  it('refuses a number set to calling through the control API', async () => {
    const set = await control('PUT', '/__sandbox/campaigns/101/1001/numbers/66660002/state', {
      state: 'calling',
    });
    expect(set.status).toBe(200);
    expectCode(await isales('POST', '/calldata/1001/delete', { body: { called: '66660002' } }), '0200028');
  });

  it.each([
    [{ sessionId: 'x'.repeat(33) }, '02000003'],
    [{ called: '123-456' }, '02000002'],
    [{ called: '1'.repeat(25) }, '02000003'],
    [{ customField: 'c'.repeat(201) }, '02000003'],
    [{ called: '66660001', recycleType: '1' }, '02000009'],
    [{ recycleTime: '2026-12-04 17:57:00', recycleType: '4' }, '02000007'],
    [{ recycleTime: '2026/12/04 17:57:00' }, '0200030'],
    [{ recycleTime: '2026-02-30 10:00:00' }, '0200030'],
    [{ called: '66660001', archiveHistory: 5 }, '02000007'],
    [{}, '0200001'],
    [{ archiveHistory: 1 }, '0200001'],
  ])('checks fields: %j -> %s', async (body, code) => {
    expectCode(await isales('POST', '/calldata/1001/delete', { body }), code);
  });

  it('answers 0200007 for an unknown campaign', async () => {
    expectCode(await isales('POST', '/calldata/4242/delete', { body: { called: '1' } }), '0200007');
  });
});

describe('reservations (appoint)', () => {
  const future = () => Date.now() + 3_600_000;
  const manual = () => ({
    callType: '1',
    calledNo: '66660001',
    userAccount: 'agent-1',
    taskId: '1001',
    appointTime: future(),
    remark: 'call back',
  });

  it('creates a reservation with a 30-digit id and stores it', async () => {
    const answer = await isales('POST', '/appoint/create', { body: manual() });
    expectCode(answer, '0200000');
    expect(answer.body.returnObject.id).toMatch(/^[1-9]\d{29}$/);
    const state = await control('GET', '/__sandbox/state');
    expect(state.body.reservations).toEqual([
      expect.objectContaining({
        id: answer.body.returnObject.id,
        callType: 1,
        state: 'pending',
        taskId: '1001',
      }),
    ]);
  });

  it("answers the id as returnObject.appointId when the tenant's switch says so", async () => {
    const switched = await control('PUT', '/__sandbox/tenants/101', { appointIdField: 'appointId' });
    expect(switched.body).toEqual({
      vdnId: 101,
      accessKey: AK,
      appointIdField: 'appointId',
      timeZone: 'Asia/Shanghai',
    });
    const answer = await isales('POST', '/appoint/create', { body: manual() });
    expectCode(answer, '0200000');
    expect(Object.keys(answer.body.returnObject)).toEqual(['appointId']);
    expect(answer.body.returnObject.appointId).toMatch(/^[1-9]\d{29}$/);
    // null restores the default; reset does too.
    await control('PUT', '/__sandbox/tenants/101', { appointIdField: null });
    const plain = await isales('POST', '/appoint/create', { body: { ...manual(), calledNo: '66660002' } });
    expect(Object.keys(plain.body.returnObject)).toEqual(['id']);
  });

  it('refuses an unknown tenant, switch or switch value on the control API', async () => {
    expect((await control('PUT', '/__sandbox/tenants/999', { appointIdField: 'id' })).status).toBe(404);
    const badValue = await control('PUT', '/__sandbox/tenants/101', { appointIdField: 'taskId' });
    expect(badValue).toEqual({ status: 400, body: { error: expect.stringMatching(/appointIdField/) } });
    const badName = await control('PUT', '/__sandbox/tenants/101', { idField: 'id' });
    expect(badName).toEqual({ status: 400, body: { error: expect.stringMatching(/idField/) } });
  });

  it('accepts numeric callType, workNo instead of userAccount, and callData for automatic calls', async () => {
    expectCode(
      await isales('POST', '/appoint/create', {
        body: { ...manual(), callType: 1, userAccount: undefined, workNo: '1001' },
      }),
      '0200000',
    );
    expectCode(
      await isales('POST', '/appoint/create', {
        body: {
          callType: 2,
          calledNo: '77770001',
          taskId: '1002',
          appointTime: future(),
          callData: '{"k":"v"}',
        },
      }),
      '0200000',
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['callType 3', { callType: '3' }, '02000007'],
    ['calledNo with letters', { calledNo: '6666abc' }, '04000002'],
    ['calledNo of 25 digits', { calledNo: '1'.repeat(25) }, '04000002'],
    ['blocklisted number', { calledNo: '66669999' }, '04000003'],
    ['unknown taskId', { taskId: '4242' }, '0200007'],
    ['past appointTime', { appointTime: Date.now() - 1000 }, '04000001'],
    ['manual without userAccount', { userAccount: undefined }, '02000001'],
    ['remark of 201 chars', { remark: 'r'.repeat(201) }, '02000003'],
    ['callData of 1025 chars', { callType: '2', callData: 'd'.repeat(1025) }, '02000003'],
    ['callData on a manual call', { callData: '{}' }, '02000009'],
  ])('refuses %s', async (_name, change, code) => {
    expectCode(await isales('POST', '/appoint/create', { body: { ...manual(), ...change } }), code);
    expect((await control('GET', '/__sandbox/state')).body.reservations).toEqual([]);
  });

  it('deletes a reservation, refusing unknown ids and calls in progress', async () => {
    const first = (await isales('POST', '/appoint/create', { body: manual() })).body.returnObject.id;
    const second = (await isales('POST', '/appoint/create', { body: manual() })).body.returnObject.id;
    expect(
      (await control('PUT', `/__sandbox/reservations/${second}/state`, { state: 'calling' })).status,
    ).toBe(200);

    expectCode(await isales('POST', '/appoint/delete', { body: { appointId: first } }), '0200000');
    expectCode(await isales('POST', '/appoint/delete', { body: { appointId: first } }), '04000004');
    expectCode(await isales('POST', '/appoint/delete', { body: { appointId: second } }), '04000005');
  });

  it('lists reservations filtered by calledNo and taskId with paging', async () => {
    await isales('POST', '/appoint/create', { body: manual() });
    await isales('POST', '/appoint/create', { body: { ...manual(), calledNo: '66660002' } });
    await isales('POST', '/appoint/create', { body: { ...manual(), calledNo: '77770001', taskId: '1002' } });

    const byNumber = await isales('POST', '/appoint/list', {
      body: { calledNo: '66660002', offset: 0, limit: 10 },
    });
    expectCode(byNumber, '0200000');
    expect(byNumber.body.totalCount).toBe(1);
    expect(byNumber.body.returnObject[0]).toMatchObject({
      calledNo: '66660002',
      taskId: '1001',
      callType: '1',
    });

    const byTask = await isales('POST', '/appoint/list', { body: { taskId: '1001', offset: 1, limit: 1 } });
    expect(byTask.body.totalCount).toBe(2);
    expect(byTask.body.returnObject).toHaveLength(1);
    expect(byTask.body.data).toEqual(byTask.body.returnObject);
  });
});
