import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { BaseAccountConfig } from './account-config';
import { ConfigError } from './config-error';
import { loadGatewayConfig, parseGatewayConfig } from './load-gateway-config';

class FakeAccountConfig extends BaseAccountConfig {
  @IsIn(['isales'])
  declare provider: 'isales';
  @IsInt()
  @Min(1)
  @Max(9999)
  vdnId!: number;
  @IsString()
  secretKey!: string;
}

const accountClasses = { isales: FakeAccountConfig };
const HASH = 'a'.repeat(64);

function valid() {
  return {
    clients: [{ id: 'billing', keySha256: HASH, accounts: ['*'] }],
    accounts: [
      { id: 'cn', provider: 'isales', baseUrl: 'https://10.0.0.5:28080', vdnId: 101, secretKey: '${SK}' },
    ],
  };
}

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseGatewayConfig', () => {
  it('interpolates ${ENV} secrets and applies default settings', () => {
    const config = parseGatewayConfig(valid(), { accountClasses, env: { SK: 's3cret' } });
    expect(config.accounts[0]).toMatchObject({ id: 'cn', vdnId: 101, secretKey: 's3cret' });
    expect(config.accounts[0]).toBeInstanceOf(FakeAccountConfig);
    expect(config.clients[0].grants).toEqual([{ accountId: '*', capabilities: undefined }]);
    expect(config.settings.syncWaitMs).toBe(10_000);
    expect(config.settings.bodyLimitBytes).toBe(65_536);
    expect(config.settings.bulkBodyLimitBytes).toBe(8_388_608);
  });

  it('names the field and the variable of a missing secret, never a value', () => {
    const error = failure(() => parseGatewayConfig(valid(), { accountClasses, env: {} }));
    expect(error.field).toBe('accounts[0].secretKey');
    expect(error.message).toContain('SK');
  });

  it.each([
    ['vdnId out of range', 'accounts[0].vdnId', (c: any) => (c.accounts[0].vdnId = 10000)],
    ['unknown provider', 'accounts[0].provider', (c: any) => (c.accounts[0].provider = 'acme')],
    ['bad key hash', 'clients[0].keySha256', (c: any) => (c.clients[0].keySha256 = 'xyz')],
    [
      'grant of an unknown account',
      'clients[0].accounts[0].id',
      (c: any) => (c.clients[0].accounts = ['nope']),
    ],
    [
      'unknown capability',
      'clients[0].accounts[0].capabilities',
      (c: any) => (c.clients[0].accounts = [{ id: 'cn', capabilities: ['fly'] }]),
    ],
    ['typo in a field name', 'accounts[0].vdnID', (c: any) => (c.accounts[0].vdnID = 1)],
    [
      'rate limit of zero',
      'accounts[0].rateLimit.limit',
      (c: any) => (c.accounts[0].rateLimit = { limit: 0, windowMs: 1000 }),
    ],
    ['duplicate account id', 'accounts[1].id', (c: any) => c.accounts.push({ ...c.accounts[0] })],
    ['no clients', 'clients', (c: any) => (c.clients = [])],
    ['unreadable CA file', 'accounts[0].caFile', (c: any) => (c.accounts[0].caFile = '/nonexistent/ca.pem')],
    ['body limit under 1 KiB', 'settings.bodyLimitBytes', (c: any) => (c.settings = { bodyLimitBytes: 100 })],
    [
      'bulk body limit over 64 MiB',
      'settings.bulkBodyLimitBytes',
      (c: any) => (c.settings = { bulkBodyLimitBytes: 65 * 1024 * 1024 }),
    ],
  ])('rejects %s, naming %s', (_name, field, spoil) => {
    const config = valid();
    spoil(config);
    const error = failure(() => parseGatewayConfig(config, { accountClasses, env: { SK: 's3cret' } }));
    expect(error.field).toBe(field);
    expect(error.message).not.toContain('s3cret');
  });

  it('keeps a narrowed grant', () => {
    const config = valid();
    config.clients[0].accounts = [{ id: 'cn', capabilities: ['campaigns.pause'] }] as any;
    const parsed = parseGatewayConfig(config, { accountClasses, env: { SK: 'x' } });
    expect(parsed.clients[0].grants).toEqual([{ accountId: 'cn', capabilities: ['campaigns.pause'] }]);
  });
});

describe('loadGatewayConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));

  it('reads YAML and resolves a relative caFile against the file folder', () => {
    writeFileSync(join(dir, 'ca.pem'), 'not really a certificate');
    const path = join(dir, 'gateway.yaml');
    writeFileSync(
      path,
      [
        'clients:',
        `  - { id: billing, keySha256: "${HASH}", accounts: ["*"] }`,
        'accounts:',
        '  - id: cn',
        '    provider: isales',
        '    baseUrl: https://10.0.0.5:28080',
        '    vdnId: 7',
        '    secretKey: ${SK}',
        '    caFile: ca.pem',
      ].join('\n'),
    );
    const config = loadGatewayConfig(path, { accountClasses, env: { SK: 'x' } });
    expect(config.accounts[0].caFile).toBe(join(dir, 'ca.pem'));
    expect(config.source).toBe(path);
  });

  it('reads JSON and reports a syntax error as a configuration error', () => {
    const path = join(dir, 'gateway.json');
    writeFileSync(path, JSON.stringify(valid()));
    expect(loadGatewayConfig(path, { accountClasses, env: { SK: 'x' } }).accounts).toHaveLength(1);
    writeFileSync(path, '{ "clients": [');
    expect(failure(() => loadGatewayConfig(path, { accountClasses })).message).toMatch(/not valid JSON/);
  });

  it('says when the file cannot be read', () => {
    expect(failure(() => loadGatewayConfig(join(dir, 'missing.yaml'), { accountClasses })).field).toBe(
      'GATEWAY_CONFIG',
    );
  });
});
