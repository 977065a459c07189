import { request } from 'undici';
import { RunningSandbox, startSandbox } from '../sandbox';

/* The Ozonetel simulator over real HTTP, answer by answer against the deleteCampaignData page. */

const KEY = 'sandbox-ozonetel-key';
const TOKEN_KEY = 'sandbox-ozonetel-token-key';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ isales: { tls: false } });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  await call('POST', '/__sandbox/reset');
});

interface Answer {
  status: number;
  text: string;
  body: any;
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await request(`${sandbox.ozonetelUrl}${path}`, {
    method: method as 'GET',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body,
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, body: text === '' ? null : JSON.parse(text) };
}

function deleteData(body: unknown, headers: Record<string, string> = { apiKey: KEY }): Promise<Answer> {
  return call('DELETE', '/ca_apis/deleteCampaignData', { body, headers });
}

const valid = { campaignName: 'Renewals_Q4', phoneNumber: '9812345601', userName: 'acme', name: '' };

async function numbersOf(campaignName: string): Promise<string[]> {
  const state = await call('GET', '/__sandbox/state');
  return state.body.campaigns
    .find((c: any) => c.name === campaignName)
    .numbers.map((n: any) => n.phoneNumber);
}

async function tokenFor(userName: string, apiKey: string): Promise<string> {
  const answer = await call('POST', '/ca_apis/CAToken/generateToken', {
    body: { userName },
    headers: { apiKey },
  });
  expect(answer.status).toBe(200);
  return answer.body.token;
}

describe('deleteCampaignData (BASIC_AUTH)', () => {
  it('deletes one number', async () => {
    const answer = await deleteData(valid);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'Success', message: 'Deleted Successfully' });
    expect(await numbersOf('Renewals_Q4')).not.toContain('9812345601');
  });

  it('answers No Record Found for an already deleted or unknown number', async () => {
    await deleteData(valid);
    expect((await deleteData(valid)).body).toEqual({ status: 'Error', message: 'No Record Found' });
    expect((await deleteData({ ...valid, phoneNumber: '9999999999' })).body).toEqual({
      status: 'Error',
      message: 'No Record Found',
    });
  });

  it('requires a given name to match the stored one', async () => {
    expect((await deleteData({ ...valid, name: 'Someone' })).body.message).toBe('No Record Found');
    expect(await numbersOf('Renewals_Q4')).toContain('9812345601');
  });

  it.each<[string, Record<string, string>, unknown]>([
    [
      'no apiKey header',
      {},
      { status: 'false', message: 'Api Key Should Not be Null or Empty.', data: null },
    ],
    [
      'an empty apiKey',
      { apiKey: '' },
      { status: 'false', message: 'Api Key Should Not be Null or Empty.', data: null },
    ],
    ['a wrong apiKey', { apiKey: 'wrong' }, { status: 'false', message: 'Invalid User Details', data: null }],
  ])('answers %s', async (_name, headers, expected) => {
    const answer = await deleteData(valid, headers);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expected);
  });

  it('answers a missing or unknown userName', async () => {
    const { userName: _omit, ...withoutUser } = valid;
    expect((await deleteData(withoutUser)).body).toEqual({
      status: 'false',
      message: 'Username Should Not be Null or Empty.',
      data: null,
    });
    expect((await deleteData({ ...valid, userName: 'ghost' })).body).toEqual({
      status: 'false',
      message: 'Invalid User Details',
      data: null,
    });
  });

  it('answers a missing campaignName', async () => {
    const expected = { status: 'Error', message: 'Campaign should not be null are empty' };
    expect((await deleteData({ ...valid, campaignName: '' })).body).toEqual(expected);
    const { campaignName: _omit, ...withoutCampaign } = valid;
    expect((await deleteData(withoutCampaign)).body).toEqual(expected);
  });

  it('answers an unknown campaign with the double-encoded body', async () => {
    const answer = await deleteData({ ...valid, campaignName: 'Nope' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '"{\\"status\\": \\"Error\\", \\"message\\": \\"Passed campaign are invalid\\"}"',
    );
    expect(typeof answer.body).toBe('string');
    expect(JSON.parse(answer.body)).toEqual({ status: 'Error', message: 'Passed campaign are invalid' });
  });

  it("treats another user's campaign as unknown", async () => {
    const answer = await deleteData({ ...valid, campaignName: 'Collections' });
    expect(JSON.parse(answer.body)).toEqual({ status: 'Error', message: 'Passed campaign are invalid' });
  });

  it('answers a missing phoneNumber', async () => {
    const expected = { status: 'Error', message: 'PhoneNumber should not be null are empty' };
    expect((await deleteData({ ...valid, phoneNumber: '' })).body).toEqual(expected);
    const { phoneNumber: _omit, ...withoutPhone } = valid;
    expect((await deleteData(withoutPhone)).body).toEqual(expected);
  });

  it('refuses several numbers at once, as an array or a comma list', async () => {
    const expected = { status: 'false', message: 'Invalid Json Pass Valid Json', data: null };
    expect((await deleteData({ ...valid, phoneNumber: ['9812345601', '9812345602'] })).body).toEqual(
      expected,
    );
    expect((await deleteData({ ...valid, phoneNumber: '9812345601,9812345602' })).body).toEqual(expected);
    expect(await numbersOf('Renewals_Q4')).toEqual(expect.arrayContaining(['9812345601', '9812345602']));
  });

  it('answers a body that is not JSON', async () => {
    const answer = await call('DELETE', '/ca_apis/deleteCampaignData', {
      rawBody: '{campaignName: oops',
      headers: { apiKey: KEY },
    });
    expect(answer.body).toEqual({ status: 'false', message: 'Invalid Json Pass Valid Json', data: null });
  });

  it('answers Invalid action. for a BASIC call on a TOKEN account', async () => {
    const answer = await deleteData(
      { campaignName: 'Collections', phoneNumber: '9812345701', userName: 'acme-token' },
      { apiKey: TOKEN_KEY },
    );
    expect(answer.body).toEqual({ status: 'false', message: 'Invalid action.', data: null });
  });
});

describe('TOKEN_AUTH', () => {
  const tokenBody = { campaignName: 'Collections', phoneNumber: '9812345701', userName: 'acme-token' };

  it('generates a token and accepts it', async () => {
    const generated = await call('POST', '/ca_apis/CAToken/generateToken', {
      body: { userName: 'acme-token' },
      headers: { apiKey: TOKEN_KEY },
    });
    expect(generated.body).toEqual({ token: expect.any(String), message: '' });
    const answer = await deleteData(tokenBody, { Authorization: `Bearer ${generated.body.token}` });
    expect(answer.body).toEqual({ status: 'Success', message: 'Deleted Successfully' });
  });

  it('refuses generateToken with a wrong key', async () => {
    const answer = await call('POST', '/ca_apis/CAToken/generateToken', {
      body: { userName: 'acme-token' },
      headers: { apiKey: 'wrong' },
    });
    expect(answer.body).toEqual({ status: 'false', message: 'Invalid User Details', data: null });
  });

  it('answers 401 Token Expired for a replaced token and 401 Invalid Token for an unknown one', async () => {
    const first = await tokenFor('acme-token', TOKEN_KEY);
    const second = await tokenFor('acme-token', TOKEN_KEY);
    const replaced = await deleteData(tokenBody, { Authorization: `Bearer ${first}` });
    expect(replaced.status).toBe(401);
    expect(replaced.body).toEqual({ status: 'false', message: 'Token Expired', data: null });
    const unknown = await deleteData(tokenBody, { Authorization: 'Bearer not-a-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ status: 'false', message: 'Invalid Token', data: null });
    expect((await deleteData(tokenBody, { Authorization: `Bearer ${second}` })).status).toBe(200);
  });

  it('expires the current token through the control API', async () => {
    const token = await tokenFor('acme-token', TOKEN_KEY);
    expect(
      (await call('POST', '/__sandbox/tokens/expire', { body: { userName: 'acme-token' } })).status,
    ).toBe(200);
    const answer = await deleteData(tokenBody, { Authorization: `Bearer ${token}` });
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe('Token Expired');
  });

  it('expires a token after tokenTtlMs', async () => {
    const state = (await call('GET', '/__sandbox/state')).body;
    await call('PUT', '/__sandbox/state', { body: { ...state, tokenTtlMs: 50 } });
    const token = await tokenFor('acme-token', TOKEN_KEY);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await deleteData(tokenBody, { Authorization: `Bearer ${token}` })).body.message).toBe(
      'Token Expired',
    );
  });

  it('caps token generation per rolling hour with HTTP 429', async () => {
    for (let i = 0; i < 10; i++) await tokenFor('acme-token', TOKEN_KEY);
    const answer = await call('POST', '/ca_apis/CAToken/generateToken', {
      body: { userName: 'acme-token' },
      headers: { apiKey: TOKEN_KEY },
    });
    expect(answer.status).toBe(429);
    expect(answer.body).toEqual({ status: 'Error', message: 'Max limit exceeded' });
  });
});

describe('rate limit (sliding window per userName)', () => {
  it('accepts exactly `limit` calls per window, then 429, then again after the window', async () => {
    expect((await call('PUT', '/__sandbox/rate-limit', { body: { limit: 3, windowMs: 300 } })).status).toBe(
      200,
    );
    const miss = { ...valid, phoneNumber: '1' };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await deleteData(miss));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3].body).toEqual({ status: 'Error', message: 'Max limit exceeded' });

    // Another user has a window of its own.
    const other = await deleteData({ ...miss, userName: 'acme-token' }, { apiKey: TOKEN_KEY });
    expect(other.status).toBe(200);

    const calls = (await call('GET', '/__sandbox/calls')).body.items;
    expect(calls.map((c: any) => c.rateLimited)).toEqual([false, false, false, true, false]);
    const firstAt = calls[0].at;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstAt + 300 - Date.now()) + 30));
    expect((await deleteData(miss)).status).toBe(200);
  });

  it('does not count generateToken', async () => {
    await call('PUT', '/__sandbox/rate-limit', { body: { limit: 1, windowMs: 60_000 } });
    await tokenFor('acme', KEY);
    await tokenFor('acme', KEY);
    expect((await deleteData(valid)).status).toBe(200);
    expect((await deleteData(valid)).status).toBe(429);
  });
});

describe('campaign status (optional routes)', () => {
  it('stops and reports a campaign', async () => {
    const set = await call('PUT', '/ca_apis/setCampaignStatus', {
      body: { userName: 'acme', campaignName: 'Renewals_Q4', action: 'Stop' },
      headers: { apiKey: KEY },
    });
    expect(set.body.status).toBe('Success');
    const status = await call('GET', '/ca_apis/campaignStatus?userName=acme&campaignName=Renewals_Q4', {
      headers: { apiKey: KEY },
    });
    expect(status.body).toMatchObject({ status: 'Success', campaignStatus: 'Stopped' });
  });

  it('reads a JSON body sent with GET', async () => {
    const status = await call('GET', '/ca_apis/campaignStatus', {
      body: { userName: 'acme', campaignName: 'Nope' },
      headers: { apiKey: KEY },
    });
    expect(JSON.parse(status.body)).toEqual({ status: 'Error', message: 'Passed campaign are invalid' });
  });
});

describe('DeleteBulkData', () => {
  function bulk(body: unknown, headers: Record<string, string> = { apiKey: KEY }): Promise<Answer> {
    return call('DELETE', '/ca_apis/DeleteBulkData', { body, headers });
  }
  const batch = {
    userName: 'acme',
    campaignName: ['Renewals_Q4'],
    phoneNumber: ['9812345602', '9812345603', '9999999999'],
  };

  it('deletes the listed numbers with BASIC_AUTH and answers the inferred success', async () => {
    const answer = await bulk(batch);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('Success');
    const left = await numbersOf('Renewals_Q4');
    expect(left).not.toContain('9812345602');
    expect(left).not.toContain('9812345603');
    expect(left).toContain('9812345604');
  });

  it('deletes with TOKEN_AUTH, and refuses the other mode', async () => {
    const token = await tokenFor('acme-token', TOKEN_KEY);
    const body = { userName: 'acme-token', campaignName: ['Collections'], phoneNumber: ['9812345701'] };
    expect((await bulk(body, { authorization: `Bearer ${token}` })).body.status).toBe('Success');
    expect(await numbersOf('Collections')).not.toContain('9812345701');
    expect((await bulk(body, { apiKey: TOKEN_KEY })).body.message).toBe('Invalid action.');
  });

  it('fails the whole request for one invalid campaign name', async () => {
    const answer = await bulk({ ...batch, campaignName: ['Renewals_Q4', 'Nope'] });
    // Sent double-encoded, as deleteCampaignData's page shows it.
    expect(JSON.parse(answer.body)).toEqual({ status: 'Error', message: 'Passed campaign are invalid' });
    expect(await numbersOf('Renewals_Q4')).toContain('9812345602');
  });

  it('refuses more than 100 numbers', async () => {
    const phoneNumber = Array.from({ length: 101 }, (_, i) => String(9800000000 + i));
    const answer = await bulk({ ...batch, phoneNumber });
    expect(answer.body.status).toBe('Error');
    expect(answer.body.message).toMatch(/100 phone numbers/);
  });

  it('has its own window: 2 per minute by default, Max limit exceeded beyond', async () => {
    expect((await bulk(batch)).body.status).toBe('Success');
    expect((await bulk(batch)).body.status).toBe('Success');
    const third = await bulk(batch);
    expect(third.status).toBe(429);
    expect(third.body).toEqual({ status: 'Error', message: 'Max limit exceeded' });
    // The single-number window is untouched.
    expect((await deleteData(valid)).body.status).toBe('Success');
  });

  it('refuses a second request while one is processed', async () => {
    await call('PUT', '/__sandbox/bulk-delete', { body: { limit: 10, windowMs: 60_000, processingMs: 300 } });
    const [first, second] = await Promise.all([
      bulk(batch),
      new Promise<Answer>((resolve) => setTimeout(() => resolve(bulk(batch)), 100)),
    ]);
    expect(first.body.status).toBe('Success');
    expect(second.body).toEqual({ status: 'Error', message: 'Max limit exceeded' });
    const { body } = await call('GET', '/__sandbox/bulk-delete');
    expect(body.stats).toMatchObject({ processed: 1, refusedBusy: 1, maxConcurrent: 1 });
  });
});
