import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createDemoSeed, loadTlsFiles, RunningSandbox, SandboxSeed, startSandbox } from './sandbox';
import { findTlsDir } from './sandbox-paths';

/* The control API (call log, state, reset, faults) of both servers, and the entry points. */

const OZ_KEY = 'sandbox-ozonetel-key';
const BASE = '/rest/isales/v1/openapi/campaigns/101';

interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

async function send(
  url: string,
  method: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; dispatcher?: Agent } = {},
): Promise<Answer> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await request(url, {
    method: method as 'GET',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body,
    dispatcher: options.dispatcher,
  });
  const text = await response.body.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // HTML pages stay text.
  }
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type'] ?? ''),
    text,
    body: parsed,
  };
}

describe('sandbox entry points', () => {
  it('finds the tls folder from the source tree and from nested dist folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'sandbox-paths-'));
    try {
      mkdirSync(join(root, 'apps', 'sandbox', 'tls'), { recursive: true });
      const nested = join(root, 'dist', 'apps', 'sandbox', 'apps', 'sandbox', 'src');
      mkdirSync(nested, { recursive: true });
      expect(findTlsDir(nested)).toBe(join(root, 'apps', 'sandbox', 'tls'));
      expect(findTlsDir(join(root, 'dist', 'apps', 'sandbox'))).toBe(join(root, 'apps', 'sandbox', 'tls'));
      expect(findTlsDir(join(root, 'apps', 'sandbox', 'src'))).toBe(join(root, 'apps', 'sandbox', 'tls'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(findTlsDir(tmpdir())).toBe(join(process.cwd(), 'apps', 'sandbox', 'tls'));
  });

  it('loads the bundled certificate and serves iSales over HTTPS by default', async () => {
    const tls = loadTlsFiles();
    expect(tls.cert).toContain('BEGIN CERTIFICATE');
    expect(tls.key).toContain('PRIVATE KEY');
    const sandbox = await startSandbox();
    try {
      expect(sandbox.isalesUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.ozonetelUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const agent = new Agent({ connect: { ca: readFileSync(join(findTlsDir(), 'ca.pem'), 'utf8') } });
      const state = await send(`${sandbox.isalesUrl}/__sandbox/state`, 'GET', { dispatcher: agent });
      expect(state.body.tenants).toEqual([
        { vdnId: 101, accessKey: 'sandbox-ak', secretKey: 'sandbox-sk', timeZone: 'Asia/Shanghai' },
      ]);
      await agent.close();
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a seed that does not have the seed shape', async () => {
    const bad = { ...createDemoSeed(), isales: { tenants: 'nope' } } as unknown as SandboxSeed;
    await expect(startSandbox({ seed: bad })).rejects.toThrow('isales.tenants');
  });
});

describe('control API', () => {
  let sandbox: RunningSandbox;
  let oz: (path: string) => string;
  let is: (path: string) => string;

  beforeAll(async () => {
    const seed = createDemoSeed();
    seed.ozonetel.rateLimit = { limit: 2, windowMs: 60_000 };
    sandbox = await startSandbox({ isales: { tls: false }, seed });
    oz = (path) => `${sandbox.ozonetelUrl}${path}`;
    is = (path) => `${sandbox.isalesUrl}${path}`;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    await send(oz('/__sandbox/reset'), 'POST');
    await send(is('/__sandbox/reset'), 'POST');
  });

  const deleteNumber = (phoneNumber: string) =>
    send(oz('/ca_apis/deleteCampaignData'), 'DELETE', {
      body: { campaignName: 'Renewals_Q4', phoneNumber, userName: 'acme' },
      headers: { apiKey: OZ_KEY },
    });

  describe('call log', () => {
    it('records every vendor call with its answer, in arrival order', async () => {
      await deleteNumber('9812345601');
      await send(oz('/ca_apis/deleteCampaignData?trace=1'), 'DELETE', {
        rawBody: 'garbage',
        headers: { apiKey: OZ_KEY },
      });
      await send(oz('/ca_apis/unknownRoute'), 'POST', { body: {} });
      await send(oz('/__sandbox/state'), 'GET');

      const items = (await send(oz('/__sandbox/calls'), 'GET')).body.items;
      expect(items).toHaveLength(3);
      expect(items[0]).toEqual({
        seq: 1,
        at: expect.any(Number),
        method: 'DELETE',
        path: '/ca_apis/deleteCampaignData',
        query: {},
        account: 'acme',
        body: { campaignName: 'Renewals_Q4', phoneNumber: '9812345601', userName: 'acme' },
        status: 200,
        response: { status: 'Success', message: 'Deleted Successfully' },
        rateLimited: false,
      });
      expect(Math.abs(items[0].at - Date.now())).toBeLessThan(5000);
      expect(items[1]).toMatchObject({ seq: 2, query: { trace: '1' }, body: 'garbage' });
      expect(items[1].account).toBeUndefined();
      expect(items[2]).toMatchObject({ seq: 3, path: '/ca_apis/unknownRoute', status: 404 });
    });

    it('names the iSales access key and clears on DELETE', async () => {
      await send(is(`${BASE}/1001/pause`), 'PUT', {
        headers: { authorization: 'auth-v2/sandbox-ak/x/host/y' },
      });
      const items = (await send(is('/__sandbox/calls'), 'GET')).body.items;
      expect(items).toEqual([expect.objectContaining({ account: 'sandbox-ak', status: 401 })]);
      expect((await send(is('/__sandbox/calls'), 'DELETE')).status).toBe(204);
      expect((await send(is('/__sandbox/calls'), 'GET')).body.items).toEqual([]);
    });

    it('keeps arrival order when a slow answer finishes last', async () => {
      await send(oz('/__sandbox/faults'), 'POST', {
        body: { kind: 'slow', delayMs: 150, path: 'deleteCampaignData' },
      });
      const slow = deleteNumber('9812345601');
      await new Promise((resolve) => setTimeout(resolve, 30));
      await send(oz('/ca_apis/CAToken/generateToken'), 'POST', {
        body: { userName: 'acme' },
        headers: { apiKey: OZ_KEY },
      });
      await slow;
      const items = (await send(oz('/__sandbox/calls'), 'GET')).body.items;
      expect(items.map((c: any) => [c.seq, c.path])).toEqual([
        [1, '/ca_apis/deleteCampaignData'],
        [2, '/ca_apis/CAToken/generateToken'],
      ]);
    });
  });

  describe('state', () => {
    it('answers the vendor state and replaces it', async () => {
      const state = (await send(oz('/__sandbox/state'), 'GET')).body;
      expect(state.users.map((u: any) => u.userName)).toEqual(['acme', 'acme-token']);
      state.campaigns[0].numbers = [{ phoneNumber: '111', name: 'Ann' }];
      expect((await send(oz('/__sandbox/state'), 'PUT', { body: state })).status).toBe(200);
      expect((await send(oz('/__sandbox/state'), 'GET')).body.campaigns[0].numbers).toEqual([
        { phoneNumber: '111', name: 'Ann' },
      ]);
      expect((await deleteNumber('111')).body.status).toBe('Success');
    });

    it('refuses garbage with 400 and keeps the old state', async () => {
      expect((await send(oz('/__sandbox/state'), 'PUT', { rawBody: 'nope' })).status).toBe(400);
      const wrong = await send(is('/__sandbox/state'), 'PUT', { body: { tenants: [{ vdnId: 'x' }] } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toContain('state.tenants[0].vdnId');
      expect((await send(is('/__sandbox/state'), 'GET')).body.campaigns).toHaveLength(4);
    });
  });

  describe('reset', () => {
    it('restores state, call log, faults, rate windows and tokens', async () => {
      const token = (
        await send(oz('/ca_apis/CAToken/generateToken'), 'POST', {
          body: { userName: 'acme-token' },
          headers: { apiKey: 'sandbox-ozonetel-token-key' },
        })
      ).body.token;
      await deleteNumber('9812345601');
      await deleteNumber('9812345602');
      expect((await deleteNumber('9812345603')).status).toBe(429);
      await send(oz('/__sandbox/faults'), 'POST', {
        body: { kind: 'html', times: 0, path: 'campaignStatus' },
      });
      await send(is('/__sandbox/campaigns/101/1002/status'), 'PUT', { body: { status: 4 } });

      expect((await send(oz('/__sandbox/reset'), 'POST')).status).toBe(204);
      expect((await send(is('/__sandbox/reset'), 'POST')).status).toBe(204);

      expect((await send(oz('/__sandbox/calls'), 'GET')).body.items).toEqual([]);
      expect((await send(oz('/__sandbox/faults'), 'GET')).body.items).toEqual([]);
      expect((await send(oz('/__sandbox/state'), 'GET')).body).toEqual({
        ...createDemoSeed().ozonetel,
        rateLimit: { limit: 2, windowMs: 60_000 },
      });
      expect((await send(is('/__sandbox/state'), 'GET')).body).toEqual(createDemoSeed().isales);
      expect((await deleteNumber('9812345601')).status).toBe(200);
      const stale = await send(oz('/ca_apis/deleteCampaignData'), 'DELETE', {
        body: { campaignName: 'Collections', phoneNumber: '9812345701', userName: 'acme-token' },
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(stale.body.message).toBe('Invalid Token');
      expect((await send(oz('/__sandbox/calls'), 'GET')).body.items[0].seq).toBe(1);
    });
  });

  describe('faults', () => {
    const arm = (url: string, spec: Record<string, unknown>) => send(url, 'POST', { body: spec });

    it('status500 answers an HTML 500 once, then normal answers resume', async () => {
      const armed = await arm(oz('/__sandbox/faults'), { kind: 'status500' });
      expect(armed.status).toBe(201);
      expect(armed.body.id).toEqual(expect.any(String));
      const faulted = await deleteNumber('9812345601');
      expect(faulted.status).toBe(500);
      expect(faulted.contentType).toContain('text/html');
      expect(faulted.text).toContain('<html>');
      expect((await send(oz('/__sandbox/state'), 'GET')).body.campaigns[0].numbers).toHaveLength(20);
      expect((await deleteNumber('9812345601')).status).toBe(200);
      const items = (await send(oz('/__sandbox/calls'), 'GET')).body.items;
      expect(items.map((c: any) => c.fault)).toEqual(['status500', undefined]);
    });

    it('html answers an HTML page with 200', async () => {
      await arm(is('/__sandbox/faults'), { kind: 'html' });
      const answer = await send(is(`${BASE}/1001/pause`), 'PUT');
      expect(answer.status).toBe(200);
      expect(answer.contentType).toContain('text/html');
    });

    it('garbageJson answers {"unexpected": true} and leaves the state alone', async () => {
      await arm(oz('/__sandbox/faults'), { kind: 'garbageJson', method: 'delete' });
      const answer = await deleteNumber('9812345601');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ unexpected: true });
      expect((await deleteNumber('9812345601')).body.status).toBe('Success');
    });

    it('rateLimited answers 429 with the vendor body', async () => {
      await arm(oz('/__sandbox/faults'), { kind: 'rateLimited' });
      const oz429 = await deleteNumber('9812345601');
      expect(oz429.status).toBe(429);
      expect(oz429.body).toEqual({ status: 'Error', message: 'Max limit exceeded' });
      await arm(is('/__sandbox/faults'), { kind: 'rateLimited' });
      const is429 = await send(is(`${BASE}/1001/pause`), 'PUT');
      expect(is429.status).toBe(429);
      expect(is429.text).toBe('');
      const items = (await send(oz('/__sandbox/calls'), 'GET')).body.items;
      expect(items[0]).toMatchObject({ rateLimited: true, fault: 'rateLimited' });
    });

    it('tokenExpired answers 401 Token Expired on Ozonetel and is refused on iSales', async () => {
      await arm(oz('/__sandbox/faults'), { kind: 'tokenExpired' });
      const answer = await deleteNumber('9812345601');
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ status: 'false', message: 'Token Expired', data: null });
      expect((await arm(is('/__sandbox/faults'), { kind: 'tokenExpired' })).status).toBe(400);
    });

    it('reset destroys the connection without an answer', async () => {
      await arm(oz('/__sandbox/faults'), { kind: 'reset' });
      await expect(deleteNumber('9812345601')).rejects.toThrow();
      const items = (await send(oz('/__sandbox/calls'), 'GET')).body.items;
      expect(items[0]).toMatchObject({ status: 0, response: null, fault: 'reset' });
      expect((await deleteNumber('9812345601')).status).toBe(200);
    });

    it('slow waits delayMs then answers normally', async () => {
      await arm(oz('/__sandbox/faults'), { kind: 'slow', delayMs: 200 });
      const started = Date.now();
      const answer = await deleteNumber('9812345601');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(answer.body.status).toBe('Success');
    });

    it('drops a call still held by slow when the sandbox is reset, leaving the state alone', async () => {
      await arm(oz('/__sandbox/faults'), { kind: 'slow', delayMs: 2000 });
      const held = deleteNumber('9812345601');
      const outcome = held.then(
        () => 'answered',
        () => 'dropped',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await send(oz('/__sandbox/reset'), 'POST');
      expect(await outcome).toBe('dropped');
      expect((await send(oz('/__sandbox/state'), 'GET')).body.campaigns[0].numbers).toHaveLength(20);
      expect((await send(oz('/__sandbox/calls'), 'GET')).body.items).toEqual([]);
    });

    it('matches path and method, honours times, and clears', async () => {
      await arm(oz('/__sandbox/faults'), { kind: 'garbageJson', path: 'generateToken', times: 0 });
      await arm(oz('/__sandbox/faults'), { kind: 'status500', method: 'PUT', times: 2 });
      expect((await deleteNumber('9812345601')).status).toBe(200);
      const token = () =>
        send(oz('/ca_apis/CAToken/generateToken'), 'POST', {
          body: { userName: 'acme' },
          headers: { apiKey: OZ_KEY },
        });
      expect((await token()).body).toEqual({ unexpected: true });
      expect((await token()).body).toEqual({ unexpected: true });
      const put = () =>
        send(oz('/ca_apis/setCampaignStatus'), 'PUT', { body: {}, headers: { apiKey: OZ_KEY } });
      expect((await put()).status).toBe(500);
      expect((await put()).status).toBe(500);
      expect((await put()).status).toBe(200);
      expect((await send(oz('/__sandbox/faults'), 'DELETE')).status).toBe(204);
      expect((await token()).body.token).toEqual(expect.any(String));
    });

    it('refuses a malformed fault', async () => {
      expect((await arm(oz('/__sandbox/faults'), { kind: 'explode' })).status).toBe(400);
      expect((await arm(oz('/__sandbox/faults'), { kind: 'slow', times: -1 })).status).toBe(400);
    });
  });
});
