import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@app/config';
import { OPEN_GATE, ProviderAdapter } from '@app/core';
import { ISALES_DESCRIPTOR } from '@app/providers/isales';
import { createMemoryStore } from '@app/store';
import { ISALES_PLUGIN } from '@app/providers/isales';
import {
  buildProviderRegistry,
  checkedAdapter,
  PROVIDER_NAMES,
  PROVIDER_REGISTRY,
} from './provider-registry';

describe('provider registry', () => {
  it('is keyed by plugin name, each with its own descriptor', () => {
    expect(PROVIDER_NAMES).toEqual(expect.arrayContaining(['isales', 'ozonetel']));
    expect(new Set(PROVIDER_NAMES).size).toBe(PROVIDER_NAMES.length);
    for (const name of PROVIDER_NAMES) expect(PROVIDER_REGISTRY[name].descriptor.name).toBe(name);
  });

  it('has every plugin run the provider contract (libs/providers/<name>/src/contract.spec.ts)', () => {
    for (const name of PROVIDER_NAMES) {
      const spec = readFileSync(
        join(__dirname, '../../../../libs/providers', name, 'src/contract.spec.ts'),
        'utf8',
      );
      expect(spec).toContain('describeProviderContract(');
    }
  });

  it('refuses two plugins under one name', () => {
    expect(() => buildProviderRegistry([ISALES_PLUGIN, ISALES_PLUGIN] as never)).toThrow(
      'two provider plugins are named isales',
    );
  });

  it('builds adapters that have a method for every capability they list', async () => {
    const store = createMemoryStore();
    const isales = PROVIDER_REGISTRY.isales;
    const config = Object.assign(new isales.accountConfig(), {
      id: 'cn-isales',
      provider: 'isales',
      baseUrl: 'https://127.0.0.1:1',
      vdnId: 101,
      accessKey: 'ak',
      secretKey: 'sk',
    });
    const adapter = isales.createAdapter(config, {
      gate: OPEN_GATE,
      tokenCache: store.tokenCache,
      onExchange: () => undefined,
    });
    expect(adapter.descriptor.name).toBe('isales');
    await adapter.close();
    await store.close();
  });

  it('stops the start, naming the account and the missing methods, when an adapter lacks one', () => {
    const adapter = {
      descriptor: ISALES_DESCRIPTOR,
      accountId: 'cn-isales',
      pauseCampaign: async () => undefined,
      close: async () => undefined,
    } as ProviderAdapter;
    const thrown = (() => {
      try {
        checkedAdapter(adapter, { id: 'cn-isales' } as never);
      } catch (error) {
        return error;
      }
    })() as ConfigError;
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown.field).toBe('accounts[id=cn-isales].provider');
    expect(thrown.problem).toContain('campaigns.resume (resumeCampaign)');
    expect(thrown.problem).not.toContain('campaigns.pause');
  });
});
