import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createSecureServer, Http2SecureServer } from 'node:http2';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { VendorHttpClient } from './vendor-http-client';

const TLS_DIR = join(__dirname, '../../../apps/sandbox/tls');

/**
 * A TLS vendor that offers HTTP/2 and HTTP/1.1 (ALPN): the client must still speak HTTP/1.1, the
 * protocol the vendors are and the one whose Host header the iSales signature covers.
 */
describe('VendorHttpClient against a vendor that offers HTTP/2', () => {
  let server: Http2SecureServer;
  let client: VendorHttpClient;
  beforeAll(async () => {
    server = createSecureServer(
      {
        key: readFileSync(join(TLS_DIR, 'server-key.pem')),
        cert: readFileSync(join(TLS_DIR, 'server.pem')),
        allowHTTP1: true,
      },
      (req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ httpVersion: req.httpVersion, host: req.headers.host ?? null }));
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    client = new VendorHttpClient({
      providerName: 'acme',
      baseUrl: `https://127.0.0.1:${port}`,
      caFile: join(TLS_DIR, 'ca.pem'),
      timeoutMs: 2000,
    });
  });
  afterAll(async () => {
    await client?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('speaks HTTP/1.1 with the Host it signs', async () => {
    const res = await client.send({ method: 'GET', path: '/version', headers: {} });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ httpVersion: '1.1', host: client.host });
  });
});
