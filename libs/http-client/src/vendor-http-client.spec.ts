import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { GatewayError } from '@app/core';
import { SANDBOX_CA_FILE, startTlsVendor } from '../../../test/support/tls-reconnect';
import { VendorExchange, VendorHttpClient } from './vendor-http-client';

/** A fake vendor on loopback whose behaviour each test sets. */
async function fakeVendor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  let current = handler;
  let hits = 0;
  let connections = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    current(req, res);
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits: () => hits,
    connections: () => connections,
    answer: (next: typeof handler) => (current = next),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
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
  const get = { method: 'GET', path: '/', headers: {} } as const;

  it('sends only the headers and body the provider gave, on one kept-alive connection, and hands back the answer headers', async () => {
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const vendor = await fakeVendor((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.setHeader('retry-after', '7');
        res.end('{"a":1}');
      });
    });
    const client = make(vendor.url);
    const body = '{"x":"ü"}';
    for (let i = 0; i < 3; i++) {
      const res = await client.send({
        method: 'POST',
        path: '/p',
        headers: { 'Content-Type': 'application/json;charset=UTF-8', authorization: 'sig' },
        body,
      });
      expect(res).toMatchObject({ status: 200, text: '{"a":1}' });
      expect(res.headers['retry-after']).toBe('7');
    }
    expect(seen[0].body).toBe(body);
    expect(Object.keys(seen[0].headers).sort()).toEqual([
      'authorization',
      'connection',
      'content-length',
      'content-type',
      'host',
    ]);
    expect(seen[0].headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(vendor.connections()).toBe(1);
    await vendor.close();
  });

  it('hands a redirect back as the answer instead of following it', async () => {
    const vendor = await fakeVendor((_req, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const res = await make(vendor.url).send(get);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/elsewhere');
    expect(vendor.hits()).toBe(1);
    await vendor.close();
  });

  it('times out the whole exchange, reading the answer included', async () => {
    const vendor = await fakeVendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":'); // and never ends
    });
    const exchanges: VendorExchange[] = [];
    const error = await failure(make(vendor.url, { onExchange: (e) => exchanges.push(e) }).send(get));
    expect(error).toMatchObject({ code: 'provider_timeout', notProcessed: false });
    expect(exchanges).toEqual([expect.objectContaining({ errorCode: 'provider_timeout' })]);
    await vendor.close();
  });

  it('turns a connection reset in the middle of the answer into provider_unavailable, maybe processed', async () => {
    const vendor = await fakeVendor((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    const error = await failure(make(vendor.url).send(get));
    expect(error).toMatchObject({ code: 'provider_unavailable', notProcessed: false });
    await vendor.close();
  });

  it("cancels the call when the request's signal aborts", async () => {
    const vendor = await fakeVendor(() => undefined); // never answers
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(
      make(vendor.url, { timeoutMs: 5000 }).send({ ...get, signal: controller.signal }),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(error.detail).toMatch(/cancelled/);
    expect(performance.now() - started).toBeLessThan(1000);
    await vendor.close();
  });

  it("leaves neither its time limit's timer nor a listener on the caller's signal once answered", async () => {
    const vendor = await fakeVendor(ok);
    const client = make(vendor.url, { timeoutMs: 60_000 });
    await client.send(get); // the keep-alive socket's own timers are there from now on
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    const listeners = jest.spyOn(controller.signal, 'removeEventListener');
    for (let i = 0; i < 20; i++) await client.send({ ...get, signal: controller.signal });
    expect(timers()).toBe(before);
    expect(listeners).toHaveBeenCalledTimes(20);
    await vendor.close();
  });

  it('gives up on a connection not ready within the connect timeout: provider_unavailable, not sent', async () => {
    // Accepts TCP but never answers the TLS handshake.
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const started = performance.now();
    const error = await failure(
      make(`https://127.0.0.1:${(silent.address() as AddressInfo).port}`, {
        timeoutMs: 5000,
        connectTimeoutMs: 100,
      }).send(get),
    );
    expect(error).toMatchObject({ code: 'provider_unavailable', notProcessed: true });
    expect(performance.now() - started).toBeLessThan(1000);
    // The cause is the socket-level error, never axios's request config (its headers hold credentials).
    expect(error.cause).not.toHaveProperty('config');
    sockets.forEach((socket) => socket.destroy());
    silent.close();
  });

  it("trusts the account's CA on top of the system roots, with one secure context for all its connections", async () => {
    const vendor = await startTlsVendor(); // closes every connection after its answer
    const contexts = jest.spyOn(tls, 'createSecureContext');
    try {
      const client = make(vendor.url, { caFile: SANDBOX_CA_FILE });
      for (let i = 0; i < 5; i++)
        expect(await client.send(get)).toMatchObject({ status: 200, text: '{"ok":true}' });
      expect(vendor.connections()).toBe(5);
      expect(contexts).toHaveBeenCalledTimes(1);
    } finally {
      contexts.mockRestore();
      await vendor.close();
    }
  });

  it('keeps checking certificates: a private-CA vendor without its CA configured is unavailable, not sent', async () => {
    const vendor = await startTlsVendor();
    const error = await failure(make(vendor.url).send(get));
    expect(error).toMatchObject({ code: 'provider_unavailable', notProcessed: true });
    expect(error.detail).toMatch(/TLS certificate/);
    expect(vendor.connections()).toBe(0);
    await vendor.close();
  });

  it('lets calls under way finish when closed', async () => {
    const vendor = await fakeVendor((req, res) => void sleep(100).then(() => ok(req, res)));
    const client = new VendorHttpClient({ providerName: 'acme', baseUrl: vendor.url, timeoutMs: 2000 });
    const call = client.send(get);
    await sleep(20);
    await client.close();
    expect((await call).status).toBe(200);
    await vendor.close();
  });
});
