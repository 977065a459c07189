import path from 'node:path';
import { ESLint } from 'eslint';

/**
 * The import boundaries as `npm run lint` applies them: the repository's own eslint.config.mjs, on
 * source given here as if it sat at a path of the monorepo. Only the boundaries rule runs, on a plain
 * parse (the type-checked rules need real files and are `npm run lint`'s business).
 */
const ROOT = path.resolve(__dirname, '..');
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'boundaries/imports',
});

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(ROOT, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`could not parse: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries (eslint.config.mjs)', () => {
  it('is on, as an error, for apps and libraries', async () => {
    for (const file of [
      'libs/core/src/index.ts',
      'apps/sandbox/src/main.ts',
      'libs/providers/ozonetel/src/index.ts',
    ]) {
      const config = (await eslint.calculateConfigForFile(path.join(ROOT, file))) as {
        rules: Record<string, unknown>;
      };
      expect(config.rules['boundaries/imports']).toEqual([2]);
    }
  });

  it.each([
    // libs/* never imports apps/*
    [
      'libs/store/src/x.ts',
      `import { STORE_BUNDLE } from '../../../apps/gateway/src/tokens';`,
      'libraries never import apps',
    ],
    [
      'libs/config/src/deep/x.ts',
      `import type { Seed } from '../../../../apps/sandbox/src/seed';`,
      'libraries never import apps',
    ],
    [
      'libs/providers/isales/src/x.ts',
      `export { X } from '../../../../apps/gateway/src/x';`,
      'libraries never import apps',
    ],
    // libs/core imports nothing of ours
    ['libs/core/src/x.ts', `import { ConfigError } from '@app/config';`, 'the core imports nothing of ours'],
    [
      'libs/core/src/errors/x.ts',
      `import { X } from '../../../store/src/ports/token-cache';`,
      'the core imports nothing of ours',
    ],
    [
      'libs/core/src/x.ts',
      `import { X } from '@app/http-client/vendor-http-client';`,
      'the core imports nothing of ours',
    ],
    // adapters never import one another
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { sign } from '@app/providers/isales';`,
      'adapters never import one another',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { sign } from '../../isales/src/signer';`,
      'adapters never import one another',
    ],
    [
      'libs/providers/isales/src/x.ts',
      `import { X } from '../../ozonetel/src/errors';`,
      'adapters never import one another',
    ],
    [
      'libs/providers/isales/src/x.spec.ts',
      `const o = require('@app/providers/ozonetel');`,
      'adapters never import one another',
    ],
    [
      'libs/providers/isales/src/x.ts',
      `type T = import('@app/providers/ozonetel').OzonetelAdapter;`,
      'adapters never import one another',
    ],
    // the provider kit imports only the core and the HTTP client
    [
      'libs/providers/kit/src/x.ts',
      `import { IsalesAdapter } from '@app/providers/isales';`,
      'the provider kit imports only',
    ],
    [
      'libs/providers/kit/src/x.ts',
      `import { BaseAccountConfig } from '@app/config';`,
      'the provider kit imports only',
    ],
    [
      'libs/providers/kit/src/x.ts',
      `import { TokenCache } from '@app/store';`,
      'the provider kit imports only',
    ],
    // adapters import nothing of the store, its ports included: those they need are the core's
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { MemoryTokenCache } from '@app/store';`,
      'must not import libs/store',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { TokenCache } from '@app/store';`,
      'must not import libs/store',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import type { RateLimiter } from '@app/store';`,
      'must not import libs/store',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { RateLimiter } from '@app/store/ports/rate-limiter';`,
      'must not import libs/store',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import * as store from '@app/store';`,
      'must not import libs/store',
    ],
    ['libs/providers/ozonetel/src/x.ts', `export * from '@app/store';`, 'must not import libs/store'],
    ['libs/providers/ozonetel/src/x.ts', `const s = import('@app/store');`, 'must not import libs/store'],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { RedisTokenCache } from '@app/store/redis/redis-token-cache';`,
      'must not import libs/store',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { X } from '../../../store/src/memory/memory-token-cache';`,
      'must not import libs/store',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { MemoryTokenCache } from '../../../store/src';`,
      'must not import libs/store',
    ],
    // apps/sandbox imports neither adapters nor the store
    [
      'apps/sandbox/src/x.ts',
      `import { IsalesAdapter } from '@app/providers/isales';`,
      'share no code with the adapters',
    ],
    [
      'apps/sandbox/src/isales/x.ts',
      `import { sign } from '../../../../libs/providers/isales/src/signer';`,
      'share no code',
    ],
    ['apps/sandbox/src/x.ts', `import { MemoryRateLimiter } from '@app/store';`, 'share no code'],
    ['apps/sandbox/src/x.ts', `import { TokenCache } from '@app/store/ports/token-cache';`, 'share no code'],
    [
      'apps/sandbox/src/x.ts',
      `import { X } from '../../../libs/store/src/memory/memory-rate-limiter';`,
      'share no code',
    ],
  ])('refuses in %s: %s', async (file, code, message) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^boundaries\/imports: /);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ['libs/core/src/x.ts', `import { GatewayError } from './errors/gateway-error';`],
    ['libs/core/src/x.ts', `import { Injectable } from '@nestjs/common';`],
    ['libs/config/src/x.ts', `import { Capability } from '@app/core';`],
    // What the Ozonetel adapter imports: the TokenCache port, from the core.
    ['libs/providers/ozonetel/src/x.ts', `import { IssuedToken, TokenCache } from '@app/core';`],
    ['libs/providers/ozonetel/src/x.ts', `import { BaseAccountConfig } from '@app/config/account-config';`],
    ['libs/providers/ozonetel/src/x.ts', `import { VendorHttpClient } from '@app/http-client';`],
    ['libs/providers/ozonetel/src/x.ts', `import { parse } from './answer-parser';`],
    // The kit is a library the adapters share, and it builds on the core and the HTTP client.
    ['libs/providers/ozonetel/src/x.ts', `import { makeRedactor } from '@app/providers/kit';`],
    ['libs/providers/isales/src/x.ts', `import { toContactError } from '../../kit/src/contact-error';`],
    ['libs/providers/kit/src/x.ts', `import { GatewayError } from '@app/core';`],
    ['libs/providers/kit/src/x.ts', `import type { VendorResponse } from '@app/http-client';`],
    ['libs/providers/kit/src/x.ts', `import { parseRetryAfter } from './retry-after';`],
    // An adapter's specs may wire the memory stores and the real gate.
    ['libs/providers/ozonetel/src/x.spec.ts', `import { BudgetGate, MemoryTokenCache } from '@app/store';`],
    ['apps/sandbox/src/x.ts', `import { X } from '../shared/vendor-call';`],
    ['apps/gateway/src/x.ts', `import { IsalesAdapter } from '@app/providers/isales';`],
    ['apps/gateway/src/x.ts', `import { createMemoryStore } from '@app/store';`],
    ['libs/store/src/x.spec.ts', `import { startTestRedis } from '../../../test/support/redis';`],
  ])('allows in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });

  it('passes the repository as it is', async () => {
    const results = await eslint.lintFiles(['apps', 'libs']);
    const errors = results.flatMap((r) =>
      r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    expect(errors).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  });
});
