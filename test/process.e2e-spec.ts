import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestGateway, testConfig } from './support/gateway';
import {
  freePort,
  GatewayProcess,
  spawnGateway,
  startGatewayProcess,
  writeConfigFile,
} from './support/gateway-process';
import { KEYS } from './support/keys';
import { resetSandbox, startTestSandbox, TestSandbox, vendorCalls } from './support/sandbox';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

describe('the gateway as a process', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('stops at start with exit code 1 and the bad field named when the configuration is invalid', async () => {
    const config = testConfig(sandbox);
    config.accounts[0].vdnId = 0;
    const { child, output } = spawnGateway({
      GATEWAY_CONFIG: writeConfigFile(config),
      PORT: String(await freePort()),
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toMatch(/Invalid gateway configuration: accounts\[0\]\.vdnId/);
  });

  it('refuses two accounts that are the same vendor account, since they would spend one budget twice', async () => {
    const config = testConfig(sandbox);
    config.accounts.push({ ...config.accounts[1], id: 'in-ozonetel-again' });
    await expect(startTestGateway(config)).rejects.toThrow(
      /accounts\[3\]: is the same vendor account as accounts\[1\]/,
    );
  });

  it('names a secret variable that is not set, without any value', async () => {
    const config = testConfig(sandbox);
    config.accounts[1].apiKey = '${OZONETEL_API_KEY_FOR_TEST}';
    const { child, output } = spawnGateway({
      GATEWAY_CONFIG: writeConfigFile(config),
      PORT: String(await freePort()),
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toMatch(
      /accounts\[1\]\.apiKey: refers to the environment variable OZONETEL_API_KEY_FOR_TEST/,
    );
  });

  it('runs from GATEWAY_CONFIG with ${ENV} secrets, logs JSON with request ids, and never logs a secret', async () => {
    const config = testConfig(sandbox);
    const secrets = {
      ISALES_SK: 'sandbox-sk',
      OZONETEL_KEY: 'sandbox-ozonetel-key',
      OZONETEL_TOKEN_KEY: 'sandbox-ozonetel-token-key',
    };
    Object.assign(config.accounts[0], { secretKey: '${ISALES_SK}' });
    Object.assign(config.accounts[1], { apiKey: '${OZONETEL_KEY}' });
    Object.assign(config.accounts[2], { apiKey: '${OZONETEL_TOKEN_KEY}' });
    const gateway = await startGatewayProcess({
      GATEWAY_CONFIG: writeConfigFile(config, 'gateway.json'),
      PORT: String(await freePort()),
      ...secrets,
    });
    try {
      const admin = gateway.as(KEYS.admin);
      const paused = await admin.post('/v1/accounts/cn-isales/campaigns/1002/pause', {
        headers: { 'x-request-id': 'trace-me-1', traceparent: TRACEPARENT },
      });
      expect(paused.status).toBe(200);
      // No exporter is configured: the caller's trace still goes on to the vendor and comes back.
      expect(paused.headers.traceresponse).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      const [sent] = (await vendorCalls(sandbox.isales)).filter((c) => c.path.endsWith('/1002/pause'));
      expect(sent.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(sent.traceparent).not.toContain(CALLER_SPAN);
      // Its body arrives 50 ms after its head, in a read of its own on the connection, outside the
      // context the request began in: the trace must still reach the request's line.
      const viaToken = await bodyAfterHead(
        `${gateway.url}/v1/accounts/in-ozonetel-token/campaigns/Collections/contacts/delete`,
        { authorization: `Bearer ${KEYS.admin}`, 'x-request-id': 'trace-me-2' },
        JSON.stringify({ phoneNumbers: ['9812345701'] }),
      );
      expect(viaToken.body).toMatchObject({ deleted: 1 });
      const ownTrace = /^00-([0-9a-f]{32})-/.exec(String(viaToken.headers.traceresponse))?.[1];
      expect(ownTrace).toBeDefined();
      expect((await gateway.as('wrong-key').get('/v1/accounts')).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const lines = gateway
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const ofRequest = lines.filter((line) => line.req?.id === 'trace-me-1');
      expect(ofRequest.map((line) => line.msg)).toEqual(expect.arrayContaining(['request completed']));
      // The request's vendor exchange is on its one line.
      expect(ofRequest.find((line) => line.msg === 'request completed')).toMatchObject({
        trace_id: TRACE_ID,
        vendor: [expect.objectContaining({ provider: 'isales', account: 'cn-isales', status: 200 })],
      });
      // A request with a body (read after the request began, on the connection's events) keeps its trace
      // on its line too.
      expect(
        lines.find((line) => line.req?.id === 'trace-me-2' && line.msg === 'request completed'),
      ).toMatchObject({
        trace_id: ownTrace,
      });

      const token = (await vendorCalls(sandbox.ozonetel)).find((c) => c.path.endsWith('generateToken'))
        ?.response.token;
      expect(typeof token).toBe('string');
      for (const secret of [...Object.values(secrets), KEYS.admin, 'wrong-key', token]) {
        expect(gateway.output()).not.toContain(secret);
      }
    } finally {
      await gateway.stop();
    }
  });

  /** A gateway process exporting spans over OTLP/HTTP JSON, every `batchDelayMs`, to a collector of the test's. */
  async function startExportingGateway(batchDelayMs: number) {
    await resetSandbox(sandbox); // campaign 1002 running again, whatever the tests before paused
    const collector = await startOtlpCollector();
    const gateway = await startGatewayProcess({
      GATEWAY_CONFIG: writeConfigFile(testConfig(sandbox), 'gateway.json'),
      PORT: String(await freePort()),
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: String(batchDelayMs),
    });
    return { collector, gateway };
  }

  const pauseInTrace = (gateway: GatewayProcess) =>
    gateway.as(KEYS.admin).post('/v1/accounts/cn-isales/campaigns/1002/pause', {
      headers: { traceparent: TRACEPARENT },
    });

  it('exports its spans over OTLP when OTEL_TRACES_EXPORTER asks, with the detailed instrumentations on', async () => {
    const { collector, gateway } = await startExportingGateway(100);
    try {
      expect((await pauseInTrace(gateway)).status).toBe(200);
      const spans = await collector.spansOf(TRACE_ID, (found) =>
        ['budget wait', 'isales PUT'].every((name) => found.some((span) => span.name === name)),
      );
      expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(['budget wait', 'isales PUT']));
      // The http instrumentation is on when spans are exported: a server span whose parent is the
      // caller's span, and a client span for the vendor request.
      const http = spans.filter((span) => span.scope === '@opentelemetry/instrumentation-http');
      expect(http).toContainEqual(expect.objectContaining({ kind: 2, parentSpanId: CALLER_SPAN }));
      expect(http).toContainEqual(expect.objectContaining({ kind: 3 }));
      expect(collector.serviceNames()).toEqual(['campaign-gateway']);
    } finally {
      await gateway.stop();
      await collector.close();
    }
  });

  it('sends the spans still batched for export when it shuts down on SIGTERM', async () => {
    // Nothing would be sent for a minute: only the shutdown's flush can send the request's spans.
    const { collector, gateway } = await startExportingGateway(60_000);
    try {
      expect((await pauseInTrace(gateway)).status).toBe(200);
      await sleep(300);
      expect(await collector.spansOf(TRACE_ID, () => true)).toEqual([]);
      await gateway.stop('SIGTERM');
      expect(gateway.child.exitCode).toBe(0);
      const names = (await collector.spansOf(TRACE_ID, () => true)).map((span) => span.name);
      expect(names).toEqual(expect.arrayContaining(['budget wait', 'isales PUT']));
    } finally {
      await gateway.stop();
      await collector.close();
    }
  });
});

interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  parentSpanId?: string;
  scope: string;
}

/** Takes OTLP/HTTP JSON trace exports (POST /v1/traces) and keeps their spans. */
async function startOtlpCollector() {
  const spans: ExportedSpan[] = [];
  const services = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraces;
        for (const resourceSpans of body.resourceSpans ?? []) {
          for (const attribute of resourceSpans.resource?.attributes ?? [])
            if (attribute.key === 'service.name') services.add(String(attribute.value.stringValue));
          for (const scopeSpans of resourceSpans.scopeSpans ?? [])
            for (const span of scopeSpans.spans ?? []) spans.push({ ...span, scope: scopeSpans.scope.name });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The spans of one trace, once `complete` says they are all there (or after 15 s, as they are). */
    async spansOf(traceId: string, complete: (found: ExportedSpan[]) => boolean): Promise<ExportedSpan[]> {
      const found = () => spans.filter((span) => span.traceId === traceId);
      for (let waited = 0; !complete(found()) && waited < 15_000; waited += 100) await sleep(100);
      return found();
    },
    serviceNames: () => [...services],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { scope: { name: string }; spans?: Omit<ExportedSpan, 'scope'>[] }[];
  }[];
}

/** A JSON POST whose body is sent 50 ms after its head (a second write, so a second read there). */
async function bodyAfterHead(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown }> {
  const req = httpRequest(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  req.flushHeaders();
  await sleep(50);
  req.end(body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return {
    status: res.statusCode!,
    headers: res.headers,
    body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
  };
}
