import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
  /** What V8 has reserved for the JS heap: part of RSS, given back to the system only lazily. */
  heapTotalBeforeBytes: number;
  heapTotalAfterBytes: number;
  durationMs: number;
}

/**
 * `global.gc` when the process runs with `--expose-gc` (the bench). Jest cannot pass that flag to
 * its runtime, so the flag is turned on at run time and `gc` taken from a fresh V8 context, which
 * sees it; undefined if even that fails (the figures then include uncollected garbage).
 */
function garbageCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A TLS vendor on loopback with the sandbox's iSales certificate, signed by the sandbox's private
 * CA (trusted only through `caFile`). By default it answers `{"ok":true}` and closes every
 * connection after its answer (`Connection: close`), so each call opens a new TLS connection.
 */
export async function startTlsVendor(handler?: (req: IncomingMessage, res: ServerResponse) => void) {
  let connections = 0;
  const server: Server = createServer(
    { cert: readFileSync(join(TLS_DIR, 'server.pem')), key: readFileSync(join(TLS_DIR, 'server-key.pem')) },
    handler ??
      ((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
        res.end('{"ok":true}');
      }),
  );
  server.on('secureConnection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** TLS connections accepted so far. */
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Measures the process's RSS before and after `calls` calls through a VendorHttpClient with the
 * sandbox CA as its `caFile`, each on a new TLS connection (see startTlsVendor).
 */
export async function measureTlsReconnects(calls: number, warmupCalls = 20): Promise<TlsReconnectResult> {
  const vendor = await startTlsVendor();
  const client = new VendorHttpClient({
    providerName: 'tls-vendor',
    baseUrl: vendor.url,
    caFile: SANDBOX_CA_FILE,
    timeoutMs: 5000,
  });
  const gc = garbageCollector();
  const call = async () => {
    const res = await client.send({ method: 'GET', path: '/ping', headers: {} });
    if (res.status !== 200 || res.text !== '{"ok":true}') throw new Error(`unexpected answer ${res.status}`);
  };
  try {
    for (let i = 0; i < warmupCalls; i++) await call();
    gc?.();
    const before = process.memoryUsage();
    const connectionsBefore = vendor.connections();
    const started = performance.now();
    for (let i = 0; i < calls; i++) await call();
    const durationMs = performance.now() - started;
    gc?.();
    const after = process.memoryUsage();
    return {
      calls,
      warmupCalls,
      connections: vendor.connections() - connectionsBefore,
      gcExposed: gc !== undefined,
      rssBeforeBytes: before.rss,
      rssAfterBytes: after.rss,
      rssGrowthBytes: after.rss - before.rss,
      heapUsedBeforeBytes: before.heapUsed,
      heapUsedAfterBytes: after.heapUsed,
      heapTotalBeforeBytes: before.heapTotal,
      heapTotalAfterBytes: after.heapTotal,
      durationMs,
    };
  } finally {
    await client.close();
    await vendor.close();
  }
}
