import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { VendorHttpClient } from '@app/http-client';

/** The sandbox's private CA and its iSales certificate (localhost, 127.0.0.1), as a private-CA vendor. */
const TLS_DIR = join(__dirname, '../../apps/sandbox/tls');
export const SANDBOX_CA_FILE = join(TLS_DIR, 'ca.pem');

export interface TlsReconnectResult {
  calls: number;
  /** Calls made before measuring, so module loading and first-use allocations are not counted. */
  warmupCalls: number;
  /** TLS connections the server accepted during the measured calls: one per call when all is well. */
  connections: number;
  gcExposed: boolean;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssGrowthBytes: number;
  heapUsedBeforeBytes: number;
  heapUsedAfterBytes: number;
  durationMs: number;
}

/**
 * A TLS vendor on loopback with the sandbox's private-CA certificate that closes every connection
 * after its answer (`Connection: close`), so each call through the client opens a new TLS connection
 * to an account with a `caFile`. Measures the process's RSS before and after `calls` such calls.
 */
export async function measureTlsReconnects(calls: number, warmupCalls = 20): Promise<TlsReconnectResult> {
  let connections = 0;
  const server: Server = createServer(
    { cert: readFileSync(join(TLS_DIR, 'server.pem')), key: readFileSync(join(TLS_DIR, 'server-key.pem')) },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"ok":true}');
    },
  );
  server.on('secureConnection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = new VendorHttpClient({
    providerName: 'tls-vendor',
    baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile: SANDBOX_CA_FILE,
    timeoutMs: 5000,
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const call = async () => {
    const res = await client.send({ method: 'GET', path: '/ping', headers: {} });
    if (res.status !== 200 || res.text !== '{"ok":true}') throw new Error(`unexpected answer ${res.status}`);
  };
  try {
    for (let i = 0; i < warmupCalls; i++) await call();
    gc?.();
    const before = process.memoryUsage();
    connections = 0;
    const started = performance.now();
    for (let i = 0; i < calls; i++) await call();
    const durationMs = performance.now() - started;
    gc?.();
    const after = process.memoryUsage();
    return {
      calls,
      warmupCalls,
      connections,
      gcExposed: gc !== undefined,
      rssBeforeBytes: before.rss,
      rssAfterBytes: after.rss,
      rssGrowthBytes: after.rss - before.rss,
      heapUsedBeforeBytes: before.heapUsed,
      heapUsedAfterBytes: after.heapUsed,
      durationMs,
    };
  } finally {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
