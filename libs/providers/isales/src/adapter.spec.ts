import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CallContext, GatewayError, OPEN_GATE, VendorCallGate } from '@app/core';
import { VendorExchange } from '@app/http-client';
import { IsalesAdapter } from './adapter';
import { IsalesAccountConfig } from './config';

/* A tiny iSales stand-in on 127.0.0.1: records what arrives and answers from a script. */

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status?: number;
  body?: string | object;
  headers?: Record<string, string>;
  /** Never answer (to provoke the client's timeout). */
  hang?: boolean;
}

const OK = { resultCode: '0200000', resultDesc: 'success', returnCode: '0200000', returnDesc: 'success' };

class FakeIsales {
  readonly seen: Seen[] = [];
  private readonly replies: Reply[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const reply: Reply = this.replies.shift() ?? { body: { ...OK, successCount: 1 } };
        if (reply.hang) return;
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? OK);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/*
 * The signature check, derived again from docs/vendors.md with its own encoder (encodeURIComponent
 * plus the five characters it leaves alone), so it shares nothing with signer.ts.
 */
function normalize(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmacHex(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

function verifySignature(seen: Seen, ak: string, sk: string): { timestamp: string; signedHeaders: string } {
  const auth = String(seen.headers.authorization);
  const m = /^auth-v2\/([^/]+)\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/.exec(auth);
  if (!m) throw new Error(`malformed Authorization: ${auth}`);
  const [, gotAk, timestamp, signedHeaders, signature] = m;
  expect(gotAk).toBe(ak);
  const names = signedHeaders.split(';');
  const headerLines = names
    .map((n) => `${n}:${normalize(String(seen.headers[n]).trim())}`)
    .sort()
    .join('\n');
  const prefix = `auth-v2/${ak}/${timestamp}/${signedHeaders}`;
  const canonical = `${seen.method}\n${seen.url}\n${signedHeaders}\n${headerLines}\n${seen.body ? normalize(seen.body) : ''}`;
  expect(signature).toBe(hmacHex(hmacHex(sk, prefix), canonical));
  return { timestamp, signedHeaders };
}

const AK = 'AK-unit';
const SK = 'SK-unit-secret';
const NOW = new Date(Date.UTC(2026, 5, 1, 8, 9, 10, 456));
const BASE = '/rest/isales/v1/openapi/campaigns/101';

function ctx(): CallContext {
  return { requestId: 'req-1', deadline: Date.now() + 10_000 };
}

/** A pass-through gate that remembers the context of every call it let through. */
function countingGate(): { gate: VendorCallGate; contexts: CallContext[] } {
  const contexts: CallContext[] = [];
  return {
    contexts,
    gate: {
      run: (c, call) => {
        contexts.push(c);
        return call();
      },
    },
  };
}

async function caught(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('IsalesAdapter against a fake vendor', () => {
  let vendor: FakeIsales;
  let baseUrl: string;
  let adapter: IsalesAdapter;
  let exchanges: VendorExchange[];

  function config(extra: Partial<IsalesAccountConfig> = {}): IsalesAccountConfig {
    return {
      id: 'cn-isales',
      provider: 'isales',
      baseUrl,
      vdnId: 101,
      accessKey: AK,
      secretKey: SK,
      // Long enough for a whole-suite run on a busy machine; the hang case waits it out once.
      timeoutMs: 2000,
      ...extra,
    };
  }

  function build(extra: Partial<IsalesAccountConfig> = {}, gate: VendorCallGate = OPEN_GATE): IsalesAdapter {
    return new IsalesAdapter(config(extra), { gate, now: () => NOW, onExchange: (e) => exchanges.push(e) });
  }

  beforeEach(async () => {
    vendor = new FakeIsales();
    baseUrl = await vendor.start();
    exchanges = [];
    adapter = build();
  });

  afterEach(async () => {
    await adapter.close();
    await vendor.stop();
  });

  describe('campaigns', () => {
    it('deletes with archiveHistory in a signed DELETE body', async () => {
      await adapter.deleteCampaign('1001', { archive: true }, ctx());
      await adapter.deleteCampaign('1002', { archive: false }, ctx());
      expect(vendor.seen.map((s) => [s.method, s.url, s.body])).toEqual([
        ['DELETE', `${BASE}/1001`, '{"archiveHistory":1}'],
        ['DELETE', `${BASE}/1002`, '{"archiveHistory":0}'],
      ]);
      const seen = vendor.seen[0];
      expect(seen.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(seen.headers.host).toBe(new URL(baseUrl).host);
      const { timestamp, signedHeaders } = verifySignature(seen, AK, SK);
      expect(timestamp).toBe('2026-06-01T08:09:10Z');
      expect(signedHeaders).toBe('content-type;host');
      expect(exchanges[0]).toMatchObject({
        provider: 'isales',
        method: 'DELETE',
        path: `${BASE}/1001`,
        status: 200,
      });
    });

    it('pauses and resumes with bodiless signed PUTs', async () => {
      await adapter.pauseCampaign('1001', ctx());
      await adapter.resumeCampaign('1001', ctx());
      expect(vendor.seen.map((s) => [s.method, s.url, s.body])).toEqual([
        ['PUT', `${BASE}/1001/pause`, ''],
        ['PUT', `${BASE}/1001/resume`, ''],
      ]);
      vendor.seen.forEach((s) => verifySignature(s, AK, SK));
    });

    it.each([
      ['deleteCampaign', '0200007', 'campaign_not_found', 404, true],
      ['deleteCampaign', '0200009', 'campaign_running', 409, true],
      ['deleteCampaign', '0200006', 'provider_error', 502, false],
      ['pauseCampaign', '0200011', 'campaign_state_conflict', 409, true],
      ['resumeCampaign', '0200011', 'campaign_state_conflict', 409, true],
      ['pauseCampaign', '02000007', 'provider_rejected', 422, false],
      ['resumeCampaign', '0999999', 'provider_error', 502, false],
    ] as const)('%s answered %s is %s', async (op, vendorCode, code, status, namesCampaign) => {
      vendor.reply({ body: { resultCode: vendorCode, resultDesc: 'vendor text', returnCode: vendorCode } });
      const call =
        op === 'deleteCampaign'
          ? adapter.deleteCampaign('1001', { archive: false }, ctx())
          : adapter[op]('1001', ctx());
      const error = await caught(call);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.provider).toEqual({ name: 'isales', code: vendorCode, message: 'vendor text' });
      if (namesCampaign) expect(error.detail).toMatch(/^Campaign 1001 /);
    });

    it('refuses a non-numeric id without calling the gate or the vendor', async () => {
      const { gate, contexts } = countingGate();
      const gated = build({}, gate);
      try {
        const error = await caught(gated.pauseCampaign('../../x', ctx()));
        expect(error.code).toBe('validation_failed');
      } finally {
        await gated.close();
      }
      expect(contexts).toHaveLength(0);
      expect(vendor.seen).toHaveLength(0);
    });
  });

  describe('contacts', () => {
    it('deletes one number: successCount 1 is deleted, 0 is not_found', async () => {
      vendor.reply({ body: { ...OK, successCount: 1 } }, { body: { ...OK, successCount: 0 } });
      const selection = { phoneNumber: '66660001', archive: true };
      await expect(adapter.deleteContact('1001', selection, ctx())).resolves.toEqual({
        phoneNumber: '66660001',
        outcome: 'deleted',
      });
      await expect(adapter.deleteContact('1001', { phoneNumber: '777' }, ctx())).resolves.toEqual({
        phoneNumber: '777',
        outcome: 'not_found',
      });
      expect(vendor.seen[0].url).toBe(`${BASE}/calldata/1001/delete`);
      expect(JSON.parse(vendor.seen[0].body)).toEqual({ called: '66660001', archiveHistory: 1 });
      expect(vendor.seen[1].body).toBe('{"called":"777"}');
      vendor.seen.forEach((s) => verifySignature(s, AK, SK));
    });

    it("sends a scheduled-time filter as the wall clock of the account's timeZone (default UTC)", async () => {
      const kolkata = build({ timeZone: 'Asia/Kolkata' });
      const scheduledTime = { at: '2026-12-01T18:30:00Z', match: 'sameDay' as const };
      try {
        vendor.reply({ body: { ...OK, successCount: 2 } }, { body: { ...OK, successCount: 0 } });
        await expect(kolkata.deleteContactsByFilter('1001', { scheduledTime }, ctx())).resolves.toEqual({
          deleted: 2,
        });
        await adapter.deleteContactsByFilter('1001', { scheduledTime }, ctx());
      } finally {
        await kolkata.close();
      }
      expect(vendor.seen.map((s) => JSON.parse(s.body))).toEqual([
        { recycleTime: '2026-12-02 00:00:00', recycleType: '2' },
        { recycleTime: '2026-12-01 18:30:00', recycleType: '2' },
      ]);
      vendor.seen.forEach((s) => verifySignature(s, AK, SK));
    });

    it('reports 0200028 on one number as the not_deletable outcome', async () => {
      vendor.reply({ body: { resultCode: '0200028', resultDesc: 'state', returnCode: '0200028' } });
      await expect(adapter.deleteContact('1001', { phoneNumber: '66660001' }, ctx())).resolves.toEqual({
        phoneNumber: '66660001',
        outcome: 'not_deletable',
        error: {
          code: 'contact_not_deletable',
          detail: expect.stringContaining('66660001'),
          provider: { name: 'isales', code: '0200028', message: 'state' },
        },
      });
    });

    it('throws other failures on one number', async () => {
      vendor.reply({ body: { resultCode: '0200007', resultDesc: 'no such task' } });
      const error = await caught(adapter.deleteContact('1001', { phoneNumber: '66660001' }, ctx()));
      expect(error.code).toBe('campaign_not_found');
      expect(error.detail).toBe('Campaign 1001 does not exist');
    });

    it('deletes by filter and returns the vendor count', async () => {
      vendor.reply({ body: { ...OK, successCount: 37 } });
      await expect(
        adapter.deleteContactsByFilter('1001', { customField: 'batch-7', archive: false }, ctx()),
      ).resolves.toEqual({ deleted: 37 });
      expect(vendor.seen[0].body).toBe('{"customField":"batch-7","archiveHistory":0}');
      verifySignature(vendor.seen[0], AK, SK);
    });

    it('throws contact_not_deletable (409) when a filter delete is refused', async () => {
      vendor.reply({ body: { resultCode: '0200028', resultDesc: 'state' } });
      const error = await caught(adapter.deleteContactsByFilter('1001', { sessionId: 's' }, ctx()));
      expect(error.code).toBe('contact_not_deletable');
      expect(error.status).toBe(409);
    });

    it('never sends called together with another selector', async () => {
      const error = await caught(
        adapter.deleteContact('1001', { phoneNumber: '66660001', customField: 'batch-7' }, ctx()),
      );
      expect(error.code).toBe('validation_failed');
      expect(error.errors?.map((e) => e.field)).toEqual(['phoneNumber', 'customField']);
      const filters = await caught(
        adapter.deleteContactsByFilter('1001', { sessionId: 's', customField: 'batch-7' }, ctx()),
      );
      expect(filters.code).toBe('validation_failed');
      expect(vendor.seen).toHaveLength(0);
    });

    it('never sends a filter delete without a filter', async () => {
      const error = await caught(adapter.deleteContactsByFilter('1001', { archive: true }, ctx()));
      expect(error.code).toBe('validation_failed');
      expect(vendor.seen).toHaveLength(0);
    });

    it('treats a success without a numeric successCount as a provider error', async () => {
      vendor.reply({ body: OK }, { body: { ...OK, successCount: '3' } });
      expect((await caught(adapter.deleteContact('1001', { phoneNumber: '1' }, ctx()))).code).toBe(
        'provider_error',
      );
      expect((await caught(adapter.deleteContactsByFilter('1001', { sessionId: 's' }, ctx()))).code).toBe(
        'provider_error',
      );
    });
  });

  describe('callbacks', () => {
    const request = {
      campaignId: '1106025109',
      phoneNumber: '66660001',
      scheduledAt: '2025-06-02T18:00:00+08:00',
      mode: 'manual' as const,
      agentId: 'testName',
      note: 'Remarks 备注',
    };

    it('creates a reserved call and returns its id', async () => {
      vendor.reply({ body: { ...OK, returnObject: { id: '174712034211433247704877116507' } } });
      await expect(adapter.createCallback(request, ctx())).resolves.toEqual({
        id: '174712034211433247704877116507',
        campaignId: '1106025109',
        phoneNumber: '66660001',
        scheduledAt: '2025-06-02T18:00:00+08:00',
        mode: 'manual',
      });
      expect(vendor.seen[0].method).toBe('POST');
      expect(vendor.seen[0].url).toBe(`${BASE}/appoint/create`);
      expect(JSON.parse(vendor.seen[0].body)).toEqual({
        callType: '1',
        calledNo: '66660001',
        userAccount: 'testName',
        taskId: '1106025109',
        appointTime: 1748858400000,
        remark: 'Remarks 备注',
      });
      verifySignature(vendor.seen[0], AK, SK);
    });

    it("reads the id from returnObject.appointId, as Huawei's field table names it", async () => {
      vendor.reply({ body: { ...OK, returnObject: { appointId: '174712034211433247704877116507' } } });
      expect((await adapter.createCallback(request, ctx())).id).toBe('174712034211433247704877116507');
      expect(vendor.seen).toHaveLength(1);
    });

    it('answers a create refused with 0200006 as a provider_error nobody retries: one vendor call', async () => {
      const { gate, contexts } = countingGate();
      const gated = build({}, gate);
      try {
        vendor.reply({ body: { resultCode: '0200006', resultDesc: 'Database operation error.' } });
        const error = await caught(gated.createCallback(request, ctx()));
        expect(error.code).toBe('provider_error');
        expect(error.transient).toBe(false);
        expect(error.detail).toMatch(/may exist/);
        // The same code on an idempotent operation stays retryable.
        vendor.reply({ body: { resultCode: '0200006', resultDesc: 'Database operation error.' } });
        expect((await caught(gated.pauseCampaign('1001', ctx()))).transient).toBe(true);
      } finally {
        await gated.close();
      }
      expect(contexts).toHaveLength(2);
      expect(vendor.seen.map((s) => s.url)).toEqual([`${BASE}/appoint/create`, `${BASE}/1001/pause`]);
    });

    it('uses workNo where the account says so, and sends callData for automatic calls', async () => {
      const workNo = build({ agentIdField: 'workNo' });
      try {
        vendor.reply({ body: { ...OK, returnObject: { id: '9' } } });
        await workNo.createCallback(
          { ...request, mode: 'automatic', callData: { order: 'é-1' }, note: undefined },
          ctx(),
        );
      } finally {
        await workNo.close();
      }
      const body = JSON.parse(vendor.seen[0].body);
      expect(body).toMatchObject({ callType: '2', workNo: 'testName', callData: '{"order":"é-1"}' });
      expect(body).not.toHaveProperty('userAccount');
      verifySignature(vendor.seen[0], AK, SK);
    });

    it.each([
      ['04000001', 'invalid_schedule', 422],
      ['04000002', 'provider_rejected', 422],
      ['04000003', 'phone_number_blocked', 422],
      ['0200007', 'campaign_not_found', 404],
    ] as const)('create answered %s is %s', async (vendorCode, code, status) => {
      vendor.reply({ body: { resultCode: vendorCode, resultDesc: 'no' } });
      const error = await caught(adapter.createCallback(request, ctx()));
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.provider?.code).toBe(vendorCode);
    });

    it('does not retry a create that failed after it may have been processed', async () => {
      vendor.reply({ status: 502, body: '<html>bad gateway</html>' });
      expect((await caught(adapter.createCallback(request, ctx()))).code).toBe('provider_unavailable');
      vendor.reply({ body: OK });
      const error = await caught(adapter.createCallback(request, ctx()));
      expect(error.code).toBe('provider_error');
      expect(error.detail).toMatch(/may exist/);
      expect(vendor.seen).toHaveLength(2);
    });

    it('cancels with appointId', async () => {
      await adapter.cancelCallback('174712034211433247704877116507', ctx());
      expect(vendor.seen[0].url).toBe(`${BASE}/appoint/delete`);
      expect(vendor.seen[0].body).toBe('{"appointId":"174712034211433247704877116507"}');
      verifySignature(vendor.seen[0], AK, SK);
    });

    it.each([
      ['04000004', 'callback_not_found', 404],
      ['04000005', 'callback_in_progress', 409],
    ] as const)('cancel answered %s is %s', async (vendorCode, code, status) => {
      vendor.reply({ body: { resultCode: vendorCode, resultDesc: 'no' } });
      const error = await caught(adapter.cancelCallback('42', ctx()));
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.detail).toContain('42');
    });
  });

  describe('unreadable and failed answers', () => {
    it.each([
      ['an HTML page', { body: '<!DOCTYPE html><html><body>Portal</body></html>' }, 'provider_error'],
      ['garbage', { body: '\u0000\u0001 not json' }, 'provider_error'],
      ['JSON without a code', { body: { hello: 'world' } }, 'provider_error'],
      ['a numeric code', { body: { resultCode: 200007 } }, 'provider_error'],
      ['HTTP 401', { status: 401, body: '' }, 'provider_auth_failed'],
      ['HTTP 500', { status: 500, body: { resultCode: '0200006' } }, 'provider_unavailable'],
      ['HTTP 503 HTML', { status: 503, body: '<html>down</html>' }, 'provider_unavailable'],
      ['HTTP 429', { status: 429, body: 'busy', headers: { 'retry-after': '2' } }, 'provider_rate_limited'],
    ] as const)('%s is %s', async (_name, reply, code) => {
      vendor.reply(reply);
      const error = await caught(adapter.pauseCampaign('1001', ctx()));
      expect(error.code).toBe(code);
      expect(error.provider?.name).toBe('isales');
    });

    it('times out on a vendor that never answers', async () => {
      vendor.reply({ hang: true });
      const started = Date.now();
      const error = await caught(adapter.pauseCampaign('1001', ctx()));
      expect(error.code).toBe('provider_timeout');
      expect(error.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('is unavailable when nothing listens', async () => {
      const port = new URL(baseUrl).port;
      await vendor.stop();
      vendor = new FakeIsales();
      await vendor.start();
      const dead = new IsalesAdapter(config({ baseUrl: `http://127.0.0.1:${port}` }), { gate: OPEN_GATE });
      try {
        const error = await caught(dead.pauseCampaign('1001', ctx()));
        expect(error.code).toBe('provider_unavailable');
        expect(error.notProcessed).toBe(true);
      } finally {
        await dead.close();
      }
    });

    it('never puts the keys or the Authorization value into an error', async () => {
      vendor.reply({ status: 401, body: { resultDesc: `signature mismatch for ${AK} / ${SK}` } });
      const auth = await caught(adapter.pauseCampaign('1001', ctx()));
      const sent = String(vendor.seen[0].headers.authorization);
      vendor.reply({ body: { resultCode: '0200001', resultDesc: `bad header ${sent}` } });
      const rejected = await caught(adapter.pauseCampaign('1001', ctx()));
      for (const error of [auth, rejected]) {
        const rendered = JSON.stringify({ ...error, message: error.message, detail: error.detail });
        expect(rendered).not.toContain(AK);
        expect(rendered).not.toContain(SK);
        expect(rendered).not.toContain(sent.slice(-64));
      }
      expect(rejected.provider?.message).toContain('[redacted]');
    });
  });

  describe('the gate', () => {
    it('runs every vendor call through the gate', async () => {
      const { gate, contexts } = countingGate();
      const gated = build({}, gate);
      try {
        vendor.reply(
          {},
          {},
          {},
          { body: { ...OK, successCount: 1 } },
          { body: { ...OK, successCount: 2 } },
          { body: { ...OK, returnObject: { id: '5' } } },
          {},
        );
        const c = ctx();
        await gated.deleteCampaign('1', { archive: false }, c);
        await gated.pauseCampaign('1', c);
        await gated.resumeCampaign('1', c);
        await gated.deleteContact('1', { phoneNumber: '1' }, c);
        await gated.deleteContactsByFilter('1', { sessionId: 's' }, c);
        await gated.createCallback(
          { campaignId: '1', phoneNumber: '1', scheduledAt: '2030-01-01T00:00:00Z', mode: 'automatic' },
          c,
        );
        await gated.cancelCallback('5', c);
        expect(contexts).toHaveLength(7);
        expect(contexts.every((callCtx) => callCtx === c)).toBe(true);
        expect(vendor.seen).toHaveLength(7);
      } finally {
        await gated.close();
      }
    });

    it('re-signs with a fresh timestamp when the gate sends again after a vendor 429', async () => {
      let clock = NOW.getTime();
      const retryOnce: VendorCallGate = {
        run: async (_ctx, call) => {
          try {
            return await call();
          } catch (error) {
            if (
              error instanceof GatewayError &&
              error.code === 'provider_rate_limited' &&
              error.notProcessed
            ) {
              clock += 2000;
              return call();
            }
            throw error;
          }
        },
      };
      const retrying = new IsalesAdapter(config(), { gate: retryOnce, now: () => new Date(clock) });
      try {
        vendor.reply({ status: 429, body: 'slow down' }, { body: OK });
        await retrying.pauseCampaign('1001', ctx());
      } finally {
        await retrying.close();
      }
      expect(vendor.seen).toHaveLength(2);
      expect(verifySignature(vendor.seen[0], AK, SK).timestamp).toBe('2026-06-01T08:09:10Z');
      expect(verifySignature(vendor.seen[1], AK, SK).timestamp).toBe('2026-06-01T08:09:12Z');
    });
  });

  it('signs the full path when the base URL has a path prefix', async () => {
    const prefixed = build({ baseUrl: `${baseUrl}/cc/` });
    try {
      await prefixed.pauseCampaign('1001', ctx());
    } finally {
      await prefixed.close();
    }
    expect(vendor.seen[0].url).toBe(`/cc${BASE}/1001/pause`);
    verifySignature(vendor.seen[0], AK, SK);
  });
});
