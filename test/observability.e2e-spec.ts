import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseGatewayConfig } from '@app/config';
import { createMemoryStore, StoreBundle } from '@app/store';
import { createGatewayApp } from '../apps/gateway/src/app.factory';
import { ACCOUNT_CONFIG_CLASSES } from '../apps/gateway/src/providers/provider-registry';
import { startTelemetry } from '../apps/gateway/src/telemetry/telemetry';
import { client } from './support/http';
import { KEYS } from './support/keys';
import { numberRange, seedOzonetelNumbers, waitForOperation } from './support/operations';
import {
  ozonetelDeleteCalls,
  resetSandbox,
  startTestSandbox,
  TestSandbox,
  vendorCalls,
} from './support/sandbox';
import { testConfig } from './support/gateway';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;
const { version } = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as {
  version: string;
};
const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

/** Tracing, log lines and metric labels, seen from outside: over HTTP, in the sandbox and in the logs. */
describe('observability', () => {
  const spans = new InMemorySpanExporter();
  const lines: Record<string, unknown>[] = [];
  let sandbox: TestSandbox;
  let app: NestFastifyApplication;
  let url: string;
  const store: StoreBundle = createMemoryStore();

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
    app = await createGatewayApp({ config, store, logLevel: 'info', logStream });
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
    await store.close();
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

    // One line for the request, its vendor exchange on it; no line of the exchange's own.
    expect(lines.filter((l) => l.msg === 'vendor exchange')).toEqual([]);
    const requestLines = lines.filter((l) => (l.req as { id?: string } | undefined)?.id === 'trace-me-1');
    expect(requestLines.filter((l) => l.log !== 'audit')).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        trace_id: TRACE_ID,
        vendor: [
          expect.objectContaining({
            provider: 'isales',
            account: 'cn-isales',
            method: 'PUT',
            path: expect.stringMatching(/\/1002\/pause$/),
            status: 200,
            durationMs: expect.any(Number),
          }),
        ],
      }),
    ]);
    // Every line: a level label, an ISO time, the service and its version.
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({ level: expect.any(String), service: 'campaign-gateway', version });
      expect(line.time).toBe(new Date(line.time as string).toISOString());
    }
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({
      level: 'info',
      clientId: 'admin',
      trace_id: TRACE_ID,
      res: { statusCode: 200 },
    });
    // One audit line for the one mutating vendor call, under its own name for routing.
    expect(lines.filter((l) => l.log === 'audit')).toEqual([
      expect.objectContaining({
        log: 'audit',
        clientId: 'admin',
        account: 'cn-isales',
        action: 'campaign.pause',
        target: { campaignId: '1002' },
        outcome: 'ok',
        requestId: 'trace-me-1',
        trace_id: TRACE_ID,
      }),
    ]);

    const names = spans.getFinishedSpans().map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['budget wait', 'isales PUT']));
    expect(spans.getFinishedSpans().every((span) => span.spanContext().traceId === TRACE_ID)).toBe(true);
  });

  it("keeps the starting request's traceparent on a bulk operation, and links each chunk's trace to it", async () => {
    const numbers = numberRange(9_700_500_000, 7); // three chunks of at most 3
    await seedOzonetelNumbers(sandbox, numbers);
    const accepted = await admin().post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
      body: { phoneNumbers: numbers },
      headers: { traceparent: TRACEPARENT },
    });
    expect(accepted.status).toBe(202);
    const done = await waitForOperation(admin(), accepted.body.id);
    expect(done.status).toBe('completed');

    // The operation keeps the trace of the request that started it: the caller's trace, the gateway's span.
    const stored = (await store.operations.get(accepted.body.id))!.traceparent!;
    const [, storedTrace, requestSpan] = W3C.exec(stored)!;
    expect(storedTrace).toBe(TRACE_ID);
    expect(requestSpan).not.toBe(CALLER_SPAN);

    // Each chunk runs in a trace of its own whose root span links to that request's span.
    const chunkSpans = spans.getFinishedSpans().filter((span) => span.name === 'operation chunk');
    expect(chunkSpans.map((span) => span.attributes['gateway.operation.chunk']).sort()).toEqual([0, 1, 2]);
    for (const span of chunkSpans) {
      expect(span.spanContext().traceId).not.toBe(TRACE_ID);
      expect(span.links.map((link) => link.context)).toEqual([
        expect.objectContaining({ traceId: TRACE_ID, spanId: requestSpan }),
      ]);
    }

    // Every number went to the vendor with a traceparent of its chunk's trace.
    const calls = await ozonetelDeleteCalls(sandbox);
    expect(calls).toHaveLength(7);
    const chunkTraces = new Set(chunkSpans.map((span) => span.spanContext().traceId));
    for (const call of calls) expect(chunkTraces.has(W3C.exec(call.traceparent!)![1])).toBe(true);

    // One audit line per number sent, naming the client, the operation and the chunk.
    const audits = lines.filter((l) => l.log === 'audit' && l.operationId === accepted.body.id);
    expect(audits).toHaveLength(7);
    expect(audits[0]).toMatchObject({
      clientId: 'admin',
      account: 'in-ozonetel',
      action: 'contact.delete',
      target: { campaignId: 'Renewals_Q4', phoneNumber: expect.any(String) },
      outcome: 'deleted',
    });

    // And each vendor log line names the operation and its chunk, in the chunk's trace.
    const vendorLines = lines.filter(
      (l) => l.msg === 'vendor exchange' && l.operationId === accepted.body.id,
    );
    expect(vendorLines).toHaveLength(7);
    for (const line of vendorLines) {
      expect(line.chunkIndex).toEqual(expect.any(Number));
      expect(chunkTraces.has(line.trace_id as string)).toBe(true);
    }
  });

  it('labels metrics: client and problem code on requests, vendor results, breaker state, waiting operations', async () => {
    await admin().post('/v1/accounts/cn-isales/campaigns/1002/pause');
    const refused = await admin().post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/pause');
    expect(refused.status).toBe(501);
    const missing = await admin().post('/v1/accounts/cn-isales/campaigns/424242/pause');
    const scrape = (await client(url, null).get('/metrics')).text;
    const line = (pattern: string) =>
      scrape.split('\n').find((l) => l.startsWith(pattern) || l.includes(pattern));

    expect(
      line(
        'gateway_http_requests_total{method="POST",route="/v1/accounts/:accountId/campaigns/:campaignId/pause",status="200",client="admin",code=""}',
      ),
    ).toBeDefined();
    expect(line('status="501",client="admin",code="operation_not_supported"}')).toBeDefined();
    expect(
      line(
        'gateway_vendor_results_total{provider="isales",account="cn-isales",action="campaign.pause",result="ok"}',
      ),
    ).toBeDefined();
    expect(line(`action="campaign.pause",result="${missing.body.code as string}"}`)).toBeDefined();
    expect(line('gateway_vendor_circuit_state{provider="isales",account="cn-isales"} 0')).toBeDefined();
    expect(line('gateway_operations_waiting{account="in-ozonetel"} 0')).toBeDefined();
    expect(line('gateway_operation_queued_numbers{account="in-ozonetel"} 0')).toBeDefined();
  });
});
