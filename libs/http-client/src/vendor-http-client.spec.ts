import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '@app/core';
import { VendorExchange, VendorHttpClient } from './vendor-http-client';

/** A fake vendor on loopback whose behaviour each test sets. */
async function fakeVendor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  let current = handler;
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    current(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits: () => hits,
    answer: (next: typeof handler) => (current = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ok = (_req: IncomingMessage, res: ServerResponse) => res.end('{"ok":true}');
const fail500 = (_req: IncomingMessage, res: ServerResponse) => {
  res.statusCode = 500;
  res.end('<html>down</html>');
};

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('VendorHttpClient', () => {
  const clients: VendorHttpClient[] = [];
  const make = (url: string, extra: Partial<ConstructorParameters<typeof VendorHttpClient>[0]> = {}) => {
    const client = new VendorHttpClient({ providerName: 'acme', baseUrl: url, timeoutMs: 300, ...extra });
    clients.push(client);
    return client;
  };
  afterAll(() => Promise.all(clients.map((c) => c.close())));

  it('sends the request with the Host it will sign, and reads the answer', async () => {
    let seen: IncomingMessage | undefined;
    const vendor = await fakeVendor((req, res) => {
      seen = req;
      ok(req, res);
    });
    const exchanges: VendorExchange[] = [];
    const client = make(`${vendor.url}/base/`, { onExchange: (e) => exchanges.push(e) });
    const res = await client.send({
      method: 'POST',
      path: '/x?y=1',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res).toMatchObject({ status: 200, text: '{"ok":true}' });
    expect(seen?.url).toBe('/base/x?y=1');
    expect(seen?.headers.host).toBe(client.host);
    expect(exchanges).toEqual([
      expect.objectContaining({ provider: 'acme', method: 'POST', path: '/base/x?y=1', status: 200 }),
    ]);
    await vendor.close();
  });

  it('turns a hang into provider_timeout and a refused connection into provider_unavailable, not sent', async () => {
    const vendor = await fakeVendor(() => undefined); // never answers
    const timeout = await failure(make(vendor.url).send({ method: 'GET', path: '/', headers: {} }));
    expect(timeout).toMatchObject({ code: 'provider_timeout', notProcessed: false });
    await vendor.close();
    const refused = await failure(make('http://127.0.0.1:9').send({ method: 'GET', path: '/', headers: {} }));
    expect(refused).toMatchObject({ code: 'provider_unavailable', notProcessed: true });
  });

  it('refuses an answer larger than the limit as provider_error', async () => {
    const vendor = await fakeVendor((_req, res) => res.end('x'.repeat(5000)));
    const error = await failure(
      make(vendor.url, { maxResponseBytes: 1000 }).send({ method: 'GET', path: '/', headers: {} }),
    );
    expect(error.code).toBe('provider_error');
    await vendor.close();
  });

  it('opens the circuit after repeated failures, holds calls back without sending them, then probes again', async () => {
    const vendor = await fakeVendor(fail500);
    const client = make(vendor.url, {
      circuit: { failurePercentage: 50, minimumCalls: 3, rollingWindowMs: 5000, resetMs: 300 },
    });
    for (let i = 0; i < 3; i++)
      expect((await client.send({ method: 'GET', path: '/', headers: {} })).status).toBe(500);
    const held = await failure(client.send({ method: 'GET', path: '/', headers: {} }));
    expect(held).toMatchObject({ code: 'provider_unavailable', notProcessed: true, retryAfterSeconds: 1 });
    expect(held.detail).toMatch(/circuit open/);
    expect(vendor.hits()).toBe(3);

    vendor.answer(ok);
    await sleep(350);
    expect((await client.send({ method: 'GET', path: '/', headers: {} })).status).toBe(200);
    expect((await client.send({ method: 'GET', path: '/', headers: {} })).status).toBe(200);
    expect(vendor.hits()).toBe(5);
    await vendor.close();
  });

  it('does not count what the vendor said about a request (4xx) as the vendor failing', async () => {
    const vendor = await fakeVendor((_req, res) => {
      res.statusCode = 404;
      res.end('{}');
    });
    const client = make(vendor.url, {
      circuit: { failurePercentage: 50, minimumCalls: 2, rollingWindowMs: 5000, resetMs: 1000 },
    });
    for (let i = 0; i < 5; i++)
      expect((await client.send({ method: 'GET', path: '/', headers: {} })).status).toBe(404);
    expect(vendor.hits()).toBe(5);
    await vendor.close();
  });
});
