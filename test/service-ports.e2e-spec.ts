import { client } from './support/http';
import { freePort, GatewayProcess, startGatewayProcess } from './support/gateway-process';

/**
 * `/metrics` names every account and `/docs` maps the API: behind a public gateway they move to a port
 * only the platform reaches (METRICS_PORT) or go off (DOCS=off), and the client port no longer has them.
 */
describe('service endpoints off the client port (METRICS_PORT, DOCS=off)', () => {
  let gateway: GatewayProcess;
  let metricsUrl: string;

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    gateway = await startGatewayProcess({
      PORT: String(await freePort()),
      METRICS_PORT: String(metricsPort),
      DOCS: 'off',
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
  });

  it('serves Prometheus metrics on the metrics port only', async () => {
    const scraped = await client(metricsUrl, null).get('/metrics');
    expect(scraped.status).toBe(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain/);
    expect(scraped.text).toMatch(/^# HELP gateway_/m);
    const onClientPort = await gateway.as(null).get('/metrics');
    expect(onClientPort.status).toBe(404);
    expect(onClientPort.body).toMatchObject({ code: 'route_not_found' });
    expect((await client(metricsUrl, null).get('/v1/accounts')).status).toBe(404);
  });

  it('serves no docs when they are off, and the API and probes as before', async () => {
    for (const path of ['/docs', '/docs-json', '/docs/static/index.html']) {
      const answer = await gateway.as(null).get(path);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'route_not_found' });
    }
    expect((await gateway.as(null).get('/health/live')).status).toBe(200);
    expect((await gateway.as('dev-key-not-secret').get('/v1/accounts')).status).toBe(200);
  });

  it('refuses a bad METRICS_PORT at start, naming the variable', async () => {
    const refused = startGatewayProcess({ PORT: String(await freePort()), METRICS_PORT: 'ninety' });
    await expect(refused).rejects.toThrow(/METRICS_PORT must be a port number/);
  });
});
