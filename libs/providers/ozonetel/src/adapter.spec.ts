import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { CallContext, GatewayError, OPEN_GATE, TokenCache, VendorCallGate } from '@app/core';
import { VendorExchange } from '@app/http-client';
import { BudgetGate, MemoryRateLimiter, MemoryTokenCache } from '@app/store';
import { OzonetelAccountConfig } from './config';
import { OzonetelAdapter } from './adapter';
import { ozonetelTokenCacheKey } from './auth';

const API_KEY = 'KK-secret-api-key-0001';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the adapter's gate was running a call when the request arrived. */
  insideGate: boolean;
}

type Reply = { status?: number; body: string; headers?: Record<string, string> } | 'hang';

/**
 * A small Ozonetel stand-in. It keeps the vendor's token rules (the newest token is the only valid one)
 * and answers deletes from `deleteReplies` when a test queued some, else with success.
 */
class FakeOzonetel {
  readonly received: Received[] = [];
  /** Answers for the next deletes, in order. */
  deleteReplies: Reply[] = [];
  /** Answers for the next DeleteBulkData calls, in order; else an (inferred) success. */
  bulkReplies: Reply[] = [];
  tokenReplies: Reply[] = [];
  /** TOKEN_AUTH account: basic calls get "Invalid action.". */
  tokenAccount = false;
  /** How a refused token is answered. */
  expiredReply: Reply = { body: '{"status":"false","message":"Token Expired"}' };
  validToken: string | undefined;
  issued = 0;
  gateActive = () => false;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: Received = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          insideGate: this.gateActive(),
        };
        this.received.push(received);
        this.answer(received, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Another system generated a token: the one the gateway holds stops working. */
  rotateElsewhere(): void {
    this.validToken = `elsewhere-${++this.issued}`;
  }

  get deletes(): Received[] {
    return this.received.filter((r) => r.path.endsWith('/ca_apis/deleteCampaignData'));
  }

  get generations(): Received[] {
    return this.received.filter((r) => r.path.endsWith('/ca_apis/CAToken/generateToken'));
  }

  private answer(req: Received, res: ServerResponse): void {
    if (req.path.endsWith('/ca_apis/CAToken/generateToken')) {
      const queued = this.tokenReplies.shift();
      if (queued) return send(res, queued);
      if (req.headers.apikey !== API_KEY) {
        return send(res, { body: '{"status":"false","message":"Invalid User Details","data":null}' });
      }
      this.validToken = `token-${++this.issued}`;
      return send(res, { body: JSON.stringify({ token: this.validToken, message: '' }) });
    }
    const bulk = req.path.endsWith('/ca_apis/DeleteBulkData');
    if (req.path.endsWith('/ca_apis/deleteCampaignData') || bulk) {
      const auth = req.headers.authorization;
      if (this.tokenAccount) {
        if (auth === undefined) {
          return send(res, { body: '{"status":"false","message":"Invalid action.","data":null}' });
        }
        if (auth !== `Bearer ${this.validToken}`) return send(res, this.expiredReply);
      } else if (req.headers.apikey !== API_KEY) {
        return send(res, { body: '{"status":"false","message":"Invalid User Details","data":null}' });
      }
      if (bulk)
        return send(res, this.bulkReplies.shift() ?? { body: '{"status":"success","message":"Done"}' });
      return send(
        res,
        this.deleteReplies.shift() ?? { body: '{"status":"Success","message":"Deleted Successfully"}' },
      );
    }
    send(res, { status: 404, body: '<html><body>Not Found</body></html>' });
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply === 'hang') return;
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  res.end(reply.body);
}

/** A pass-through gate that counts its runs and lets the fake vendor see whether a call is inside it. */
class WatchingGate implements VendorCallGate {
  runs = 0;
  active = 0;
  constructor(private readonly inner: VendorCallGate = OPEN_GATE) {}
  async run<T>(ctx: CallContext, call: () => Promise<T>): Promise<T> {
    this.runs++;
    return this.inner.run(ctx, async () => {
      this.active++;
      try {
        return await call();
      } finally {
        this.active--;
      }
    });
  }
}

function accountConfig(
  baseUrl: string,
  overrides: Partial<OzonetelAccountConfig> = {},
): OzonetelAccountConfig {
  return Object.assign(new OzonetelAccountConfig(), {
    id: 'in-ozonetel',
    provider: 'ozonetel',
    baseUrl,
    userName: 'acme',
    apiKey: API_KEY,
    authMode: 'basic',
    ...overrides,
  });
}

function ctx(): CallContext {
  return { requestId: 'req-1', deadline: Date.now() + 5_000 };
}

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected the call to fail');
}

function expectNoSecret(error: GatewayError, ...secrets: string[]): void {
  const text = [error.message, error.detail, JSON.stringify(error), JSON.stringify(error.provider)].join(' ');
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('OzonetelAdapter', () => {
  let vendor: FakeOzonetel;
  let baseUrl: string;
  let gate: WatchingGate;
  let tokenCache: MemoryTokenCache;
  const adapters: OzonetelAdapter[] = [];

  function adapter(overrides: Partial<OzonetelAccountConfig> = {}, deps: { tokenCache?: TokenCache } = {}) {
    const built = new OzonetelAdapter(accountConfig(baseUrl, overrides), {
      gate,
      tokenCache: deps.tokenCache ?? tokenCache,
    });
    adapters.push(built);
    return built;
  }

  beforeEach(async () => {
    vendor = new FakeOzonetel();
    baseUrl = await vendor.start();
    gate = new WatchingGate();
    vendor.gateActive = () => gate.active > 0;
    tokenCache = new MemoryTokenCache();
  });

  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    await vendor.stop();
  });

  it('describes itself with the Ozonetel descriptor and its account id', () => {
    const built = adapter();
    expect(built.accountId).toBe('in-ozonetel');
    expect(built.descriptor.name).toBe('ozonetel');
    expect(built.deleteContact).toEqual(expect.any(Function));
    for (const method of [
      'deleteCampaign',
      'pauseCampaign',
      'resumeCampaign',
      'deleteContactsByFilter',
      'createCallback',
      'cancelCallback',
    ]) {
      expect((built as unknown as Record<string, unknown>)[method]).toBeUndefined();
    }
  });

  describe('basic mode', () => {
    it('sends one DELETE with the apiKey header and the documented JSON body', async () => {
      const outcome = await adapter().deleteContact(
        'Outbound Sales',
        { phoneNumber: '+919812345678', contactName: 'Asha' },
        ctx(),
      );

      expect(outcome).toEqual({ phoneNumber: '+919812345678', outcome: 'deleted' });
      expect(vendor.received).toHaveLength(1);
      const [req] = vendor.received;
      expect(req.method).toBe('DELETE');
      expect(req.path).toBe('/ca_apis/deleteCampaignData');
      expect(req.headers.apikey).toBe(API_KEY);
      expect(req.headers.authorization).toBeUndefined();
      expect(req.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req.body)).toEqual({
        campaignName: 'Outbound Sales',
        phoneNumber: '+919812345678',
        userName: 'acme',
        name: 'Asha',
      });
      expect(req.insideGate).toBe(true);
      expect(gate.runs).toBe(1);
    });

    it('leaves name out when there is no contact name', async () => {
      await adapter().deleteContact('Outbound Sales', { phoneNumber: '66660001' }, ctx());
      expect(JSON.parse(vendor.received[0].body)).toEqual({
        campaignName: 'Outbound Sales',
        phoneNumber: '66660001',
        userName: 'acme',
      });
    });

    it('keeps a partner base path in front of the vendor path', async () => {
      await adapter({ baseUrl: `${baseUrl}/partner` }).deleteContact('c', { phoneNumber: '66660001' }, ctx());
      expect(vendor.received[0].path).toBe('/partner/ca_apis/deleteCampaignData');
    });

    it('reports "No Record Found" as the not_found outcome', async () => {
      vendor.deleteReplies.push({ body: '{"status": "Error","message": "No Record Found"}' });
      await expect(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx())).resolves.toEqual({
        phoneNumber: '66660001',
        outcome: 'not_found',
      });
    });

    it('reads a double-encoded "Passed campaign are invalid" as campaign_not_found', async () => {
      vendor.deleteReplies.push({
        body: JSON.stringify('{"status": "Error", "message": "Passed campaign are invalid"}'),
      });
      const error = await failureOf(adapter().deleteContact('nope', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('campaign_not_found');
      expect(error.provider).toEqual({ name: 'ozonetel', message: 'Passed campaign are invalid' });
    });

    it('maps a wrong API key to provider_auth_failed without echoing the key', async () => {
      const error = await failureOf(
        adapter({ apiKey: 'KK-wrong-key-99' }).deleteContact('c', { phoneNumber: '66660001' }, ctx()),
      );
      expect(error.code).toBe('provider_auth_failed');
      expect(error.provider).toEqual({ name: 'ozonetel', message: 'Invalid User Details' });
      expectNoSecret(error, 'KK-wrong-key-99');
    });

    it('says the auth mode is wrong when a token account refuses a basic call', async () => {
      vendor.tokenAccount = true;
      const error = await failureOf(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_auth_failed');
      expect(error.detail).toMatch(/authMode/);
      expect(vendor.received).toHaveLength(1);
    });

    it('maps HTTP 401 to provider_auth_failed without a retry', async () => {
      vendor.deleteReplies.push({ status: 401, body: '{"status":"false","message":"Unauthorized"}' });
      const error = await failureOf(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_auth_failed');
      expect(error.provider).toEqual({ name: 'ozonetel', code: '401', message: 'Unauthorized' });
      expect(vendor.received).toHaveLength(1);
    });

    it('throws HTTP 429 as provider_rate_limited, not processed, with the vendor Retry-After', async () => {
      vendor.deleteReplies.push({
        status: 429,
        body: '{"status":"Error","message":"Max limit exceeded"}',
        headers: { 'retry-after': '42' },
      });
      const error = await failureOf(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_rate_limited');
      expect(error.notProcessed).toBe(true);
      expect(error.retryAfterSeconds).toBe(42);
      expect(error.provider).toEqual({ name: 'ozonetel', code: '429', message: 'Max limit exceeded' });
    });

    it('lets a real budget gate pause and resend after the vendor says it is over its limit', async () => {
      gate = new WatchingGate(
        new BudgetGate(new MemoryRateLimiter(), {
          key: 'ozonetel:in-ozonetel',
          limit: { limit: 100, windowMs: 60_000 },
          vendorLimitPauseMs: 20,
        }),
      );
      vendor.gateActive = () => gate.active > 0;
      vendor.deleteReplies.push({ body: '{"status":"Error","message":"Max limit exceeded"}' });

      const outcome = await adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx());

      expect(outcome.outcome).toBe('deleted');
      expect(vendor.deletes).toHaveLength(2);
      expect(vendor.received.every((r) => r.insideGate)).toBe(true);
    });

    it('maps HTTP 500 to provider_unavailable', async () => {
      vendor.deleteReplies.push({
        status: 500,
        body: '{"status":"error","message":"Internal Server Error"}',
      });
      const error = await failureOf(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_unavailable');
      expect(error.transient).toBe(true);
      expect(error.provider?.code).toBe('500');
    });

    it('maps an HTML page to provider_error, and an HTML 502 to provider_unavailable', async () => {
      vendor.deleteReplies.push(
        {
          body: '<!DOCTYPE html><html><body>Please log in</body></html>',
          headers: { 'content-type': 'text/html' },
        },
        { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
      );
      const built = adapter();
      const first = await failureOf(built.deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(first.code).toBe('provider_error');
      expect(first.provider?.message).toContain('Please log in');
      const second = await failureOf(built.deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(second.code).toBe('provider_unavailable');
    });

    it('keeps an unknown failure message as provider_error', async () => {
      vendor.deleteReplies.push({ body: '{"status":"FAIL","details":"Campaign is being uploaded"}' });
      const error = await failureOf(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_error');
      expect(error.provider).toEqual({ name: 'ozonetel', message: 'Campaign is being uploaded' });
    });

    it('caps a 5,000-character vendor message at 300 characters', async () => {
      vendor.deleteReplies.push({ body: JSON.stringify({ status: 'Error', message: 'm'.repeat(5000) }) });
      const error = await failureOf(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_error');
      expect(error.provider?.message).toBe(`${'m'.repeat(300)}…`);
    });

    it('answers provider_error for an answer over 64 KiB without reading it', async () => {
      const text = JSON.stringify({ status: 'Success', message: 'x'.repeat(64 * 1024) });
      vendor.deleteReplies.push({ body: text });
      const error = await failureOf(adapter().deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_error');
      expect(error.status).toBe(502);
    });

    it('gives up after its timeout with provider_timeout', async () => {
      vendor.deleteReplies.push('hang');
      const started = Date.now();
      const error = await failureOf(
        adapter({ timeoutMs: 200 }).deleteContact('c', { phoneNumber: '66660001' }, ctx()),
      );
      expect(error.code).toBe('provider_timeout');
      expect(error.provider?.name).toBe('ozonetel');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('tells onExchange about each exchange, without secrets', async () => {
      const exchanges: VendorExchange[] = [];
      const built = new OzonetelAdapter(accountConfig(baseUrl), {
        gate,
        tokenCache,
        onExchange: (e) => exchanges.push(e),
      });
      adapters.push(built);
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      expect(exchanges).toEqual([
        expect.objectContaining({
          provider: 'ozonetel',
          method: 'DELETE',
          path: '/ca_apis/deleteCampaignData',
          status: 200,
        }),
      ]);
      expect(JSON.stringify(exchanges)).not.toContain(API_KEY);
    });

    it.each([
      ['archive: true', { archive: true }, 'field_not_supported'],
      ['a session id', { sessionId: 's' }, 'field_not_supported'],
      ['a custom field', { customField: 'batch-7' }, 'field_not_supported'],
      ['a bad number', { phoneNumber: '12' }, 'validation_failed'],
    ])('sends nothing for %s', async (_case, change, code) => {
      const error = await failureOf(
        adapter().deleteContact('c', { phoneNumber: '66660001', ...change }, ctx()),
      );
      expect(error.code).toBe(code);
      expect(vendor.received).toHaveLength(0);
    });

    it('treats archive: false as absent', async () => {
      await adapter().deleteContact('c', { phoneNumber: '66660001', archive: false }, ctx());
      expect(JSON.parse(vendor.received[0].body)).not.toHaveProperty('archive');
    });
  });

  describe('token mode', () => {
    beforeEach(() => {
      vendor.tokenAccount = true;
    });

    it('generates a token through the gate, then calls with the bearer token and no apiKey', async () => {
      const outcome = await adapter({ authMode: 'token' }).deleteContact(
        'c',
        { phoneNumber: '66660001' },
        ctx(),
      );

      expect(outcome.outcome).toBe('deleted');
      expect(vendor.received.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /ca_apis/CAToken/generateToken',
        'DELETE /ca_apis/deleteCampaignData',
      ]);
      const [generation, deletion] = vendor.received;
      expect(generation.headers.apikey).toBe(API_KEY);
      expect(JSON.parse(generation.body)).toEqual({ userName: 'acme' });
      expect(deletion.headers.authorization).toBe('Bearer token-1');
      expect(deletion.headers.apikey).toBeUndefined();
      expect(JSON.parse(deletion.body)).toMatchObject({ userName: 'acme' });
      expect(vendor.received.every((r) => r.insideGate)).toBe(true);
      expect(gate.runs).toBe(2);
      await expect(tokenCache.get(ozonetelTokenCacheKey('in-ozonetel'))).resolves.toBe('token-1');
    });

    it('reuses the cached token for later calls', async () => {
      const built = adapter({ authMode: 'token' });
      for (let i = 0; i < 3; i++) await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      expect(vendor.generations).toHaveLength(1);
      expect(vendor.deletes.map((r) => r.headers.authorization)).toEqual(Array(3).fill('Bearer token-1'));
    });

    it('shares the token with another adapter instance of the same account, not with another account', async () => {
      await adapter({ authMode: 'token' }).deleteContact('c', { phoneNumber: '66660001' }, ctx());
      await adapter({ authMode: 'token' }).deleteContact('c', { phoneNumber: '66660002' }, ctx());
      expect(vendor.generations).toHaveLength(1);

      await adapter({ authMode: 'token', id: 'other-account' }).deleteContact(
        'c',
        { phoneNumber: '66660003' },
        ctx(),
      );
      expect(vendor.generations).toHaveLength(2);
    });

    it('generates a new token once the cached one is near its 60-minute end', async () => {
      let offset = 0;
      tokenCache = new MemoryTokenCache(() => Date.now() + offset);
      const built = adapter({ authMode: 'token' });
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      offset = 54 * 60_000;
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      expect(vendor.generations).toHaveLength(1);
      offset = 56 * 60_000;
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      expect(vendor.generations).toHaveLength(2);
      expect(vendor.deletes.at(-1)?.headers.authorization).toBe('Bearer token-2');
    });

    it('on "Token Expired" takes a fresh token once and retries the call once', async () => {
      const built = adapter({ authMode: 'token' });
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      vendor.rotateElsewhere();

      const outcome = await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());

      expect(outcome.outcome).toBe('deleted');
      expect(vendor.received.map((r) => `${r.method} ${r.headers.authorization ?? ''}`)).toEqual([
        'POST ',
        'DELETE Bearer token-1',
        'DELETE Bearer token-1',
        'POST ',
        'DELETE Bearer token-3',
      ]);
      expect(vendor.received.every((r) => r.insideGate)).toBe(true);
    });

    it('treats an HTTP 401 with another message the same way', async () => {
      vendor.expiredReply = { status: 401, body: '{"status":"false","message":"Invalid Token"}' };
      const built = adapter({ authMode: 'token' });
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      vendor.rotateElsewhere();

      await expect(built.deleteContact('c', { phoneNumber: '66660001' }, ctx())).resolves.toMatchObject({
        outcome: 'deleted',
      });
      expect(vendor.generations).toHaveLength(2);
    });

    it('passes the refused token as stale, so a token another replica already replaced is reused', async () => {
      const first = adapter({ authMode: 'token' });
      const second = adapter({ authMode: 'token' });
      await first.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      vendor.rotateElsewhere();
      const refresh = jest.spyOn(tokenCache, 'refresh');

      const outcomes = await Promise.all([
        first.deleteContact('c', { phoneNumber: '66660001' }, ctx()),
        second.deleteContact('c', { phoneNumber: '66660002' }, ctx()),
      ]);

      expect(outcomes.map((o) => o.outcome)).toEqual(['deleted', 'deleted']);
      expect(refresh.mock.calls.map((call) => call[1])).toEqual(['token-1', 'token-1']);
      expect(refresh.mock.calls.map((call) => call[3])).toEqual([
        { maxGenerationsPerHour: 10 },
        { maxGenerationsPerHour: 10 },
      ]);
      // One generation at the start, one for both refusals together.
      expect(vendor.generations).toHaveLength(2);
      expect(vendor.deletes.slice(-2).map((r) => r.headers.authorization)).toEqual([
        'Bearer token-3',
        'Bearer token-3',
      ]);
    });

    it('gives up with provider_auth_failed when the fresh token is refused too', async () => {
      const built = adapter({ authMode: 'token' });
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      vendor.rotateElsewhere();
      vendor.validToken = 'never-issued';
      const deletesBefore = vendor.deletes.length;
      const generationsBefore = vendor.generations.length;
      // The fake accepts only `validToken`, which the next generation would reset: keep it unusable.
      vendor.tokenReplies.push({ body: '{"token":"token-refused","message":""}' });

      const error = await failureOf(built.deleteContact('c', { phoneNumber: '66660001' }, ctx()));

      expect(error.code).toBe('provider_auth_failed');
      expect(error.provider).toEqual({ name: 'ozonetel', message: 'Token Expired' });
      expect(vendor.deletes.length - deletesBefore).toBe(2);
      expect(vendor.generations.length - generationsBefore).toBe(1);
      expectNoSecret(error, API_KEY, 'token-1', 'token-refused');
    });

    it('surfaces the 10-an-hour generation cap as provider_rate_limited and sends nothing', async () => {
      let now = Date.now();
      tokenCache = new MemoryTokenCache(() => now);
      const key = ozonetelTokenCacheKey('in-ozonetel');
      for (let i = 0; i < 10; i++) {
        await tokenCache.refresh(key, undefined, async () => ({ token: `t${i}`, expiresAt: now + 1 }), {
          maxGenerationsPerHour: 10,
        });
        now += 2;
      }

      const error = await failureOf(
        adapter({ authMode: 'token' }).deleteContact('c', { phoneNumber: '66660001' }, ctx()),
      );

      expect(error.code).toBe('provider_rate_limited');
      expect(error.notProcessed).toBe(true);
      expect(error.retryAfterSeconds).toBeGreaterThan(3_500);
      expect(error.provider?.name).toBe('ozonetel');
      expect(vendor.received).toHaveLength(0);
    });

    it('reaches the cap through real refusals without ever generating an eleventh token', async () => {
      vendor.expiredReply = { body: '{"status":"false","message":"Token Expired"}' };
      vendor.validToken = 'unreachable';
      // Every generated token is refused at once, so each call burns generations.
      vendor.tokenReplies = Array.from({ length: 20 }, (_, i) => ({
        body: JSON.stringify({ token: `burnt-${i}` }),
      }));
      const built = adapter({ authMode: 'token' });

      const codes: string[] = [];
      for (let i = 0; i < 12; i++) {
        codes.push((await failureOf(built.deleteContact('c', { phoneNumber: '66660001' }, ctx()))).code);
      }

      expect(vendor.generations).toHaveLength(10);
      expect(codes.filter((c) => c === 'provider_auth_failed').length).toBeGreaterThan(0);
      expect(codes.at(-1)).toBe('provider_rate_limited');
    });

    it('maps a refused generation to provider_auth_failed and sends no delete', async () => {
      const error = await failureOf(
        adapter({ authMode: 'token', apiKey: 'KK-wrong-key-99' }).deleteContact(
          'c',
          { phoneNumber: '66660001' },
          ctx(),
        ),
      );
      expect(error.code).toBe('provider_auth_failed');
      expect(error.provider).toEqual({ name: 'ozonetel', message: 'Invalid User Details' });
      expect(vendor.deletes).toHaveLength(0);
      expectNoSecret(error, 'KK-wrong-key-99');
    });

    it('maps a token answer without a token to provider_error', async () => {
      vendor.tokenReplies.push({ body: '{"token":"","message":""}' });
      const error = await failureOf(
        adapter({ authMode: 'token' }).deleteContact('c', { phoneNumber: '66660001' }, ctx()),
      );
      expect(error.code).toBe('provider_error');
      expect(vendor.deletes).toHaveLength(0);
    });

    it('does not retry an HTTP 500 as if it were a token refusal', async () => {
      const built = adapter({ authMode: 'token' });
      await built.deleteContact('c', { phoneNumber: '66660001' }, ctx());
      vendor.deleteReplies.push({ status: 500, body: 'oops' });
      const error = await failureOf(built.deleteContact('c', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('provider_unavailable');
      expect(vendor.generations).toHaveLength(1);
      expect(vendor.deletes).toHaveLength(2);
    });
  });
});

describe('OzonetelAdapter.deleteContactsBatch (DeleteBulkData)', () => {
  let vendor: FakeOzonetel;
  let baseUrl: string;
  let gate: WatchingGate;
  let batchGate: WatchingGate;
  const adapters: OzonetelAdapter[] = [];
  const numbers = ['9812345601', '9812345602', '+919812345603'];

  function adapter(overrides: Partial<OzonetelAccountConfig> = {}, withBatch = true) {
    const built = new OzonetelAdapter(accountConfig(baseUrl, overrides), {
      gate,
      ...(withBatch ? { batchGate } : {}),
      tokenCache: new MemoryTokenCache(),
    });
    adapters.push(built);
    return built;
  }
  const bulkCalls = () => vendor.received.filter((r) => r.path.endsWith('/ca_apis/DeleteBulkData'));

  beforeEach(async () => {
    vendor = new FakeOzonetel();
    baseUrl = await vendor.start();
    gate = new WatchingGate();
    batchGate = new WatchingGate();
    vendor.gateActive = () => batchGate.active > 0;
  });

  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    await vendor.stop();
  });

  it('sends one DeleteBulkData with the apiKey header, inside the batch gate, and reads success in any case', async () => {
    vendor.bulkReplies.push({ body: '{"status":"SUCCESS","message":"whatever it says"}' });
    expect(await adapter().deleteContactsBatch('Renewals_Q4', numbers, ctx())).toEqual({ kind: 'deleted' });
    const [call] = bulkCalls();
    expect(call.method).toBe('DELETE');
    expect(call.headers.apikey).toBe(API_KEY);
    expect(JSON.parse(call.body)).toEqual({
      userName: 'acme',
      phoneNumber: numbers,
      campaignName: ['Renewals_Q4'],
    });
    expect(call.insideGate).toBe(true);
    expect(batchGate.runs).toBe(1);
    expect(gate.runs).toBe(0);
  });

  it('uses the bearer token in token mode (the token itself on the single budget)', async () => {
    vendor.tokenAccount = true;
    expect(await adapter({ authMode: 'token' }).deleteContactsBatch('Renewals_Q4', numbers, ctx())).toEqual({
      kind: 'deleted',
    });
    const [call] = bulkCalls();
    expect(call.headers.authorization).toBe(`Bearer ${vendor.validToken}`);
    expect(call.headers.apikey).toBeUndefined();
  });

  it('maps Max limit exceeded to a not-processed rate limit (the gate pauses and retries) and an invalid campaign to campaign_not_found', async () => {
    vendor.bulkReplies.push({ body: '{"status":"Error","message":"Max limit exceeded"}' });
    const limited = await failureOf(adapter().deleteContactsBatch('Renewals_Q4', numbers, ctx()));
    expect(limited).toMatchObject({ code: 'provider_rate_limited', notProcessed: true });
    vendor.bulkReplies.push({
      body: '"{\\"status\\": \\"Error\\", \\"message\\": \\"Passed campaign are invalid\\"}"',
    });
    const invalid = await failureOf(adapter().deleteContactsBatch('Nope', numbers, ctx()));
    expect(invalid.code).toBe('campaign_not_found');
  });

  it('maps the over-100 refusal to provider_rejected, and a 5xx to a transient outage', async () => {
    vendor.bulkReplies.push({
      body: '{"status":"Error","message":"A maximum of 100 phone numbers or campaign names can be passed"}',
    });
    expect((await failureOf(adapter().deleteContactsBatch('Renewals_Q4', numbers, ctx()))).code).toBe(
      'provider_rejected',
    );
    vendor.bulkReplies.push({ status: 503, body: '<html>down</html>' });
    const outage = await failureOf(adapter().deleteContactsBatch('Renewals_Q4', numbers, ctx()));
    expect(outage).toMatchObject({ code: 'provider_unavailable', transient: true });
  });

  it('answers not_understood, without throwing, for an answer no row knows', async () => {
    vendor.bulkReplies.push({ body: '{"status":"Queued","message":"Your request is in progress"}' });
    vendor.bulkReplies.push({ status: 404, body: '<html>Not Found</html>' });
    for (let i = 0; i < 2; i++) {
      const result = await adapter().deleteContactsBatch('Renewals_Q4', numbers, ctx());
      expect(result).toMatchObject({ kind: 'not_understood', error: { code: 'provider_error' } });
    }
  });

  it('refuses without a batch gate, more than 100 numbers, or a bad number, sending nothing', async () => {
    expect(
      (await failureOf(adapter({}, false).deleteContactsBatch('Renewals_Q4', numbers, ctx()))).code,
    ).toBe('operation_not_supported');
    const many = Array.from({ length: 101 }, (_, i) => String(9800000000 + i));
    expect((await failureOf(adapter().deleteContactsBatch('Renewals_Q4', many, ctx()))).code).toBe(
      'validation_failed',
    );
    expect((await failureOf(adapter().deleteContactsBatch('Renewals_Q4', ['12'], ctx()))).code).toBe(
      'validation_failed',
    );
    expect(bulkCalls()).toHaveLength(0);
  });
});
