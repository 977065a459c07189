/**
 * A stand-in OpenTelemetry collector for `OVERHEAD_OTEL=otlp`: a bare node:http server that takes
 * every OTLP/HTTP export (`POST /v1/traces`, protobuf or JSON), reads it whole, answers 200 with an
 * empty body (an ExportTraceServiceResponse with nothing rejected) and counts the exports and their
 * bytes. It decodes nothing: what the benchmark weighs is what exporting costs the gateway, not a
 * collector. Started as its own process (fork with an IPC channel): it sends `{ port }` once it
 * listens, and `{ exports, bytes }` whenever asked with `'counts'`.
 */
import { createServer } from 'node:http';

let exportCount = 0;
let bytes = 0;

const server = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    if (req.method === 'POST') exportCount++;
    const json = (req.headers['content-type'] ?? '').includes('json');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : undefined);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (message) => {
  if (message === 'counts') process.send?.({ exports: exportCount, bytes });
});
process.on('disconnect', () => process.exit(0));
