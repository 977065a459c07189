import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseGatewayConfig } from '@app/config';
import { createMemoryStore } from '@app/store';
import { createGatewayApp } from '../apps/gateway/src/app.factory';
import { ACCOUNT_CONFIG_CLASSES } from '../apps/gateway/src/providers/provider-registry';
import { startTelemetry } from '../apps/gateway/src/telemetry/telemetry';
import { client } from './support/http';
import { KEYS } from './support/keys';
import { resetSandbox, startTestSandbox, TestSandbox, vendorCalls } from './support/sandbox';
import { testConfig } from './support/gateway';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;
const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

/** Tracing, log lines and metric labels, seen from outside: over HTTP, in the sandbox and in the logs. */
describe('observability', () => {
  const spans = new InMemorySpanExporter();
  const lines: Record<string, unknown>[] = [];
  let sandbox: TestSandbox;
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    startTelemetry({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
    sandbox = await startTestSandbox();
    const config = parseGatewayConfig(testConfig(sandbox, { settings: { operationChunkSize: 3 } }), {
      accountClasses: ACCOUNT_CONFIG_CLASSES,
      env: {},
    });
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await createGatewayApp({ config, store: createMemoryStore(), logLevel: 'info', logStream });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  beforeEach(async () => {
    await resetSandbox(sandbox);
    spans.reset();
    lines.length = 0;
  });
  afterAll(async () => {
    await app.close();
    await sandbox.close();
  });

  const admin = () => client(url, KEYS.admin);

  it('passes the caller trace on to the vendor, answers with it and logs it', async () => {
    const answer = await admin().post('/v1/accounts/cn-isales/campaigns/1002/pause', {
      headers: { traceparent: TRACEPARENT, 'x-request-id': 'trace-me-1' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.traceresponse).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));

    const [sent] = (await vendorCalls(sandbox.isales)).filter((c) => c.path.endsWith('/1002/pause'));
    expect(sent.traceparent).toMatch(W3C);
    const [, traceId, parentSpan] = W3C.exec(sent.traceparent!)!;
    expect(traceId).toBe(TRACE_ID);
    expect(parentSpan).not.toBe(CALLER_SPAN); // a span of the gateway's in between

    const vendorLine = lines.find((l) => l.msg === 'vendor exchange')!;
    expect(vendorLine).toMatchObject({ trace_id: TRACE_ID, req: { id: 'trace-me-1' } });
    const names = spans.getFinishedSpans().map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['budget wait', 'isales PUT']));
    expect(spans.getFinishedSpans().every((span) => span.spanContext().traceId === TRACE_ID)).toBe(true);
  });
});
