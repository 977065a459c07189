import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { testConfig } from './support/gateway';
import { freePort, GatewayProcess, startGatewayProcess, writeConfigFile } from './support/gateway-process';
import { client } from './support/http';
import { KEYS } from './support/keys';
import { startTestSandbox, TestSandbox } from './support/sandbox';

const CLIENT_IP = '203.0.113.7';

/** An API gateway in front: serves the gateway under /cg, strips it, and says so in X-Forwarded-*. */
async function startPrefixingProxy(target: string): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/cg/')) {
      res.writeHead(404).end();
      return;
    }
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url.slice('/cg'.length),
        headers: {
          ...req.headers,
          'x-forwarded-for': CLIENT_IP,
          'x-forwarded-host': 'api.example.test',
          'x-forwarded-proto': 'https',
          'x-forwarded-prefix': '/cg',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('behind a prefixing API gateway', () => {
  let sandbox: TestSandbox;
  let gateway: GatewayProcess;
  let proxy: { url: string; server: Server };
  const viaProxy = (key: string | null) => client(`${proxy.url}/cg`, key);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    gateway = await startGatewayProcess({
      GATEWAY_CONFIG: writeConfigFile(testConfig(sandbox)),
      PORT: String(await freePort()),
      TRUSTED_PROXIES: '127.0.0.1/32,::1',
    });
    proxy = await startPrefixingProxy(gateway.url);
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => proxy?.server.close(resolve));
    await gateway?.stop();
    await sandbox?.close();
  });

  it('gives Swagger UI the public base URL, so Try-it-out calls go through the prefix', async () => {
    const document = await viaProxy(null).get('/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.servers).toEqual([expect.objectContaining({ url: 'https://api.example.test/cg' })]);
    // Try-it-out calls `servers` + path: through the proxy, that is /cg/v1/accounts.
    const path = new URL(`${document.body.servers[0].url}/v1/accounts`).pathname;
    expect(path).toBe('/cg/v1/accounts');
    expect((await client(proxy.url, KEYS.admin).get(path)).status).toBe(200);
    // Swagger UI's page loads its assets relative to itself, so under the prefix too.
    const page = await viaProxy(null).get('/docs');
    expect(page.status).toBe(200);
    expect(String(page.body)).not.toMatch(/(src|href)="\/(?!\/)/);
  });

  it('answers Location under the prefix, and it can be followed', async () => {
    const accepted = await viaProxy(KEYS.admin).post(
      '/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete',
      {
        body: { phoneNumbers: ['9812345603', '9812345604'] },
        headers: { prefer: 'respond-async' },
      },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe(`/cg/v1/operations/${accepted.body.id}`);
    expect((await client(proxy.url, KEYS.admin).get(accepted.headers.location)).status).toBe(200);
  });

  it("logs the client's address, not the proxy's", async () => {
    const answer = await viaProxy(KEYS.admin).get('/v1/providers');
    const id = answer.headers['x-request-id'];
    let line: string | undefined;
    for (let tries = 0; !line && tries < 40; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      line = gateway
        .output()
        .split('\n')
        .find((text) => text.includes(id) && text.includes('"res"'));
    }
    expect(line).toBeDefined();
    expect(JSON.parse(line!).req.remoteAddress).toBe(CLIENT_IP);
  });

  it('serves the page each problem type names, through the prefix too', async () => {
    const refusal = await viaProxy(KEYS.admin).post(
      '/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete',
      {
        body: {},
      },
    );
    expect(refusal.status).toBe(400);
    expect(refusal.body.type).toBe('/problems/validation_failed');
    const json = await viaProxy(null).get(refusal.body.type, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.body).toEqual({
      type: '/problems/validation_failed',
      code: 'validation_failed',
      status: 400,
      title: refusal.body.title,
    });
    const html = await viaProxy(null).get(refusal.body.type);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(String(html.body)).toContain('<code>validation_failed</code>');
    expect((await viaProxy(null).get('/problems/no_such_code')).status).toBe(404);
  });
});
