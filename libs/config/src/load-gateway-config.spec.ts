import { createHash } from 'node:crypto';
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

  describe('plain http:// vendor URLs', () => {
    const insecure = (allow?: boolean) => {
      const config: any = valid();
      config.accounts[0].baseUrl = 'http://10.0.0.5:28080';
      if (allow !== undefined) config.accounts[0].allowInsecureHttp = allow;
      return config;
    };

    it.each([[undefined], [false]])('are refused with allowInsecureHttp %s, naming both fields', (allow) => {
      const error = failure(() => parseGatewayConfig(insecure(allow), { accountClasses, env: { SK: 'x' } }));
      expect(error.field).toBe('accounts[0].baseUrl');
      expect(error.message).toContain('accounts[0].allowInsecureHttp: true');
    });

    it('are accepted when the account sets allowInsecureHttp: true', () => {
      const config = parseGatewayConfig(insecure(true), { accountClasses, env: { SK: 'x' } });
      expect(config.accounts[0]).toMatchObject({ baseUrl: 'http://10.0.0.5:28080', allowInsecureHttp: true });
    });

    it('must be a boolean', () => {
      const config = insecure();
      config.accounts[0].allowInsecureHttp = 'yes';
      expect(failure(() => parseGatewayConfig(config, { accountClasses, env: { SK: 'x' } })).field).toBe(
        'accounts[0].allowInsecureHttp',
      );
    });

    it('https:// needs no flag', () => {
      expect(parseGatewayConfig(valid(), { accountClasses, env: { SK: 'x' } }).accounts[0].baseUrl).toBe(
        'https://10.0.0.5:28080',
      );
    });
  });

  describe('client keys', () => {
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const LONG_KEY = 'k'.repeat(32);
    const parse = (client: Record<string, unknown>, env: Record<string, string> = {}) => {
      const config: any = valid();
      config.clients = [{ id: 'billing', accounts: ['*'], ...client }];
      return parseGatewayConfig(config, { accountClasses, env: { SK: 'x', ...env } });
    };

    it('takes one hash, lower-cased', () => {
      expect(parse({ keySha256: 'A'.repeat(64) }).clients[0].keyHashes).toEqual(['a'.repeat(64)]);
    });

    it('takes a list of hashes, so two keys are live while one is rotated', () => {
      const hashes = [sha256('old'), sha256('new')];
      expect(parse({ keySha256: hashes }).clients[0].keyHashes).toEqual(hashes);
    });

    it('takes the key itself from an ${ENV} secret, hashed, beside a hash', () => {
      const parsed = parse({ keySha256: sha256('old'), key: '${BILLING_KEY}' }, { BILLING_KEY: LONG_KEY });
      expect(parsed.clients[0].keyHashes).toEqual([sha256('old'), sha256(LONG_KEY)]);
      expect(JSON.stringify(parsed.clients)).not.toContain(LONG_KEY);
    });

    it.each([
      ['a key of 31 characters', 'clients[0].key', { key: 'k'.repeat(31) }],
      ['a short key in a list', 'clients[0].key[1]', { key: [LONG_KEY, 'short'] }],
      ['a key with a space', 'clients[0].key', { key: `${LONG_KEY} x` }],
      ['a bad hash in a list', 'clients[0].keySha256[1]', { keySha256: [HASH, 'xyz'] }],
      ['an empty list', 'clients[0].keySha256', { keySha256: [] }],
      ['neither a hash nor a key', 'clients[0].keySha256', {}],
      ['the same key twice', 'clients[0].key', { keySha256: sha256(LONG_KEY), key: LONG_KEY }],
      ['five keys', 'clients[0].keySha256[4]', { keySha256: ['1', '2', '3', '4', '5'].map(sha256) }],
    ])('refuses %s, naming %s, never the key', (_name, field, client) => {
      const error = failure(() => parse(client));
      expect(error.field).toBe(field);
      expect(error.message).not.toContain(LONG_KEY);
      expect(error.message).not.toContain('short');
    });

    it('refuses a key two clients share, naming the second', () => {
      const config: any = valid();
      config.clients.push({ id: 'other', keySha256: [sha256('x'), HASH], accounts: ['*'] });
      const error = failure(() => parseGatewayConfig(config, { accountClasses, env: { SK: 'x' } }));
      expect(error.field).toBe('clients[1].keySha256[1]');
    });
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
