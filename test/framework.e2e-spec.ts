import { call } from './support/http';
import { expectProblem, useHarness } from './support/harness';
import { ERROR_CODES } from '@app/core';

describe('the HTTP surface', () => {
  const h = useHarness();
  const deletePath = '/v1/accounts/cn-isales/campaigns/1001/contacts/delete';

  it('answers an unknown route with 404 route_not_found as problem+json', async () => {
    expectProblem(await h().admin.get('/v2/nothing'), 404, 'route_not_found');
    expectProblem(await h().admin.put('/v1/accounts'), 404, 'route_not_found');
  });

  it('answers a body that is not JSON with 400 naming the body', async () => {
    const answer = await h().admin.post(deletePath, {
      rawBody: '{"phoneNumbers": [',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors[0].field).toBe('body');
  });

  it('rejects prototype poisoning in the body', async () => {
    const answer = await h().admin.post(deletePath, {
      rawBody: '{"phoneNumbers":["66660001"],"__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(answer, 400, 'validation_failed');
  });

  it('answers a body that is not JSON by media type with 415', async () => {
    const answer = await h().admin.post(deletePath, {
      rawBody: 'phoneNumbers=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(answer, 415, 'unsupported_media_type');
  });

  it('answers a body over the limit with 413', async () => {
    const answer = await h().admin.post(deletePath, {
      rawBody: `{"x":"${'a'.repeat(9 * 1024 * 1024)}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(answer, 413, 'payload_too_large');
  });

  it('takes an empty JSON body on a route without one', async () => {
    const answer = await h().admin.post('/v1/accounts/cn-isales/campaigns/1002/pause', {
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(200);
  });

  it('echoes a sane X-Request-Id and replaces one that is not', async () => {
    const sane = await h().admin.get('/v1/accounts', { headers: { 'x-request-id': 'caller-123.abc' } });
    expect(sane.headers['x-request-id']).toBe('caller-123.abc');
    const insane = await h().admin.get('/v2/x', { headers: { 'x-request-id': 'has spaces and <tags>' } });
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(insane.body.requestId).toBe(insane.headers['x-request-id']);
    const fresh = await h().admin.get('/v1/accounts');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Swagger UI and an OpenAPI document with every route, the bearer scheme and the error codes', async () => {
    const ui = await call(h().gateway.url, 'GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
    const doc = (await call(h().gateway.url, 'GET', '/docs-json')).body;
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/health/live',
        '/health/ready',
        '/metrics',
        '/problems/{code}',
        '/v1/accounts',
        '/v1/accounts/{accountId}/callbacks',
        '/v1/accounts/{accountId}/callbacks/{callbackId}',
        '/v1/accounts/{accountId}/campaigns/{campaignId}',
        '/v1/accounts/{accountId}/campaigns/{campaignId}/contacts/delete',
        '/v1/accounts/{accountId}/campaigns/{campaignId}/pause',
        '/v1/accounts/{accountId}/campaigns/{campaignId}/resume',
        '/v1/operations/{id}',
        '/v1/operations/{id}/cancel',
        '/v1/operations/{id}/results',
        '/v1/providers',
      ].sort(),
    );
    expect(doc.components.securitySchemes['client-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const contacts = doc.paths['/v1/accounts/{accountId}/campaigns/{campaignId}/contacts/delete'].post;
    expect(Object.keys(contacts.responses)).toEqual(
      expect.arrayContaining([
        '200',
        '202',
        '400',
        '401',
        '403',
        '404',
        '409',
        '422',
        '429',
        '501',
        '502',
        '503',
        '504',
      ]),
    );
    expect(contacts.responses['422'].content['application/problem+json'].examples).toHaveProperty(
      'field_not_supported',
    );
    expect(contacts.security).toEqual([{ 'client-key': [] }]);
    // One selector per destructive delete, said on the body schema and the operation.
    expect(doc.components.schemas.DeleteContacts.description).toMatch(/^Exactly one selector per request/);
    expect(contacts.description).toMatch(/exactly one of these selectors per request/);
    for (const code of ERROR_CODES) expect(doc.info.description).toContain(`\`${code}\``);
    const throttled = doc.paths['/v1/accounts'].get.responses['429'];
    expect(Object.keys(throttled.headers).sort()).toEqual(
      ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'].sort(),
    );
    // Readable operationIds, names without Dto, global tags, open service routes, servers filled.
    expect(contacts.operationId).toBe('deleteContacts');
    expect(doc.paths['/v1/accounts'].get.operationId).toBe('listAccounts');
    expect(doc.paths['/v1/operations/{id}'].get.operationId).toBe('getOperation');
    expect(Object.keys(doc.components.schemas).filter((name) => name.endsWith('Dto'))).toEqual([]);
    expect(doc.tags.map((tag: { name: string }) => tag.name)).toEqual(
      expect.arrayContaining(['accounts', 'contacts', 'operations', 'service']),
    );
    for (const path of ['/health/live', '/health/ready', '/metrics', '/problems/{code}']) {
      expect(doc.paths[path].get.security).toEqual([]);
    }
    expect(doc.servers).toEqual([expect.objectContaining({ url: h().gateway.url })]);
    expect(contacts.responses['202'].headers).toHaveProperty('X-Request-Id');
    expect(contacts.responses['202'].headers).toHaveProperty('RateLimit-Policy');
  });

  it('reports liveness, readiness and Prometheus metrics without a key', async () => {
    const api = h().gateway.as(null);
    expect((await api.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.store).toEqual({ status: 'up', kind: 'memory' });
    await h().admin.post('/v1/accounts/cn-isales/campaigns/1002/pause');
    const metrics = await api.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      /gateway_http_requests_total\{method="POST",route="\/v1\/accounts\/:accountId\/campaigns\/:campaignId\/pause",status="200",client="admin",code=""\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /gateway_vendor_requests_total\{provider="isales",account="cn-isales",outcome="200"\} [1-9]/,
    );
  });
});
