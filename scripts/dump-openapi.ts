/**
 * Writes the OpenAPI document the gateway serves at /docs-json to a file, without opening a port:
 * the app is built with the bundled sandbox configuration and the in-memory store, and /docs-json is
 * asked through Fastify's inject. `npm run lint:openapi` lints it and compiles a client from it.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/dump-openapi.ts <out.json>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadGatewayConfig } from '@app/config';
import { createMemoryStore } from '@app/store';
import { createGatewayApp } from '../apps/gateway/src/app.factory';
import { bundledFile } from '../apps/gateway/src/bundled-files';
import { ACCOUNT_CONFIG_CLASSES } from '../apps/gateway/src/providers/provider-registry';

async function main(out: string): Promise<void> {
  const config = loadGatewayConfig(bundledFile('config/sandbox.yaml'), {
    accountClasses: ACCOUNT_CONFIG_CLASSES,
  });
  const store = createMemoryStore();
  const app = await createGatewayApp({
    config,
    store,
    logLevel: 'silent',
    edge: { publicBaseUrl: process.env.PUBLIC_BASE_URL || 'http://localhost:3000' },
  });
  try {
    const answer = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    if (answer.statusCode !== 200) throw new Error(`/docs-json answered ${answer.statusCode}`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(JSON.parse(answer.body), null, 2) + '\n');
    console.log(`OpenAPI document written to ${out}`);
  } finally {
    await app.close();
    await store.close();
  }
}

main(process.argv[2] ?? 'dist/openapi/openapi.json').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
