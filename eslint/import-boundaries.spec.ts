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
      `import { sign } from '@app/isales';`,
      'adapters never import one another',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { sign } from '@app/isales/signer';`,
      'adapters never import one another',
    ],
    [
      'libs/providers/isales/src/x.ts',
      `import { X } from '../../ozonetel/src/error-table';`,
      'adapters never import one another',
    ],
    [
      'libs/providers/isales/src/x.spec.ts',
      `const o = require('@app/ozonetel');`,
      'adapters never import one another',
    ],
    [
      'libs/providers/isales/src/x.ts',
      `type T = import('@app/ozonetel').OzonetelAdapter;`,
      'adapters never import one another',
    ],
    // adapters import no store implementation
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { MemoryTokenCache } from '@app/store';`,
      'MemoryTokenCache from libs/store',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { TokenCache, RedisTokenCache } from '@app/store';`,
      'RedisTokenCache from libs/store',
    ],
    ['libs/providers/ozonetel/src/x.ts', `import * as store from '@app/store';`, 'only the store ports'],
    ['libs/providers/ozonetel/src/x.ts', `export * from '@app/store';`, 'only the store ports'],
    ['libs/providers/ozonetel/src/x.ts', `const s = import('@app/store');`, 'only the store ports'],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { RedisTokenCache } from '@app/store/redis/redis-token-cache';`,
      'only the store ports',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { X } from '../../../store/src/memory/memory-token-cache';`,
      'only the store ports',
    ],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { MemoryTokenCache } from '../../../store/src';`,
      'MemoryTokenCache from libs/store',
    ],
    // apps/sandbox imports neither adapters nor the store
    [
      'apps/sandbox/src/x.ts',
      `import { IsalesAdapter } from '@app/isales';`,
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
    // What the Ozonetel adapter imports today: the TokenCache port, from the barrel.
    ['libs/providers/ozonetel/src/x.ts', `import { IssuedToken, TokenCache } from '@app/store';`],
    ['libs/providers/ozonetel/src/x.ts', `import type { TokenCache } from '@app/store';`],
    ['libs/providers/ozonetel/src/x.ts', `import { TokenCache } from '@app/store/ports/token-cache';`],
    [
      'libs/providers/ozonetel/src/x.ts',
      `import { TokenCache } from '../../../store/src/ports/token-cache';`,
    ],
    ['libs/providers/ozonetel/src/x.ts', `import { BaseAccountConfig } from '@app/config/account-config';`],
    ['libs/providers/ozonetel/src/x.ts', `import { VendorHttpClient } from '@app/http-client';`],
    ['libs/providers/ozonetel/src/x.ts', `import { parse } from './answer-parser';`],
    // An adapter's specs may wire the memory stores and the real gate.
    ['libs/providers/ozonetel/src/x.spec.ts', `import { BudgetGate, MemoryTokenCache } from '@app/store';`],
    ['apps/sandbox/src/x.ts', `import { X } from '../shared/vendor-call';`],
    ['apps/gateway/src/x.ts', `import { IsalesAdapter } from '@app/isales';`],
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
