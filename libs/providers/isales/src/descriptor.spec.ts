import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CAPABILITIES } from '@app/core';
import { ISALES_DESCRIPTOR } from './descriptor';
import { IsalesAccountConfig } from './config';

describe('ISALES_DESCRIPTOR', () => {
  it('offers every capability and every contacts field but contactName', () => {
    expect([...ISALES_DESCRIPTOR.capabilities].sort()).toEqual([...CAPABILITIES].sort());
    expect(ISALES_DESCRIPTOR.contactDeleteFields).toEqual([
      'phoneNumbers',
      'sessionId',
      'customField',
      'scheduledTime',
      'archive',
    ]);
    expect(ISALES_DESCRIPTOR.defaultRateLimit).toEqual({ limit: 20, windowMs: 1000 });
    expect(ISALES_DESCRIPTOR.limits).toMatchObject({ numbersPerCall: 1, sessionIdMaxLength: 32 });
  });

  it('checks campaign ids as iSales integers', () => {
    for (const ok of ['1', '1001', '9'.repeat(19)])
      expect(ISALES_DESCRIPTOR.checkCampaignId(ok)).toBeUndefined();
    for (const bad of ['0', '0123', '9'.repeat(20), 'spring', '1.5', '-1', ' 1']) {
      expect(ISALES_DESCRIPTOR.checkCampaignId(bad)).toMatch(/numeric iSales campaign id/);
    }
  });

  it('checks phone numbers as up to 24 digits, * and #', () => {
    for (const ok of ['1', '66660001', '*#0', '1'.repeat(24)]) {
      expect(ISALES_DESCRIPTOR.checkPhoneNumber(ok)).toBeUndefined();
    }
    for (const bad of ['', '+919812345678', '1'.repeat(25), '123-456', '12 34']) {
      expect(ISALES_DESCRIPTOR.checkPhoneNumber(bad)).toBeDefined();
    }
  });

  it('checks callback ids as 1 to 64 digits', () => {
    expect(ISALES_DESCRIPTOR.checkCallbackId('174712034211433247704877116507')).toBeUndefined();
    for (const bad of ['', 'abc', '1'.repeat(65), '12a'])
      expect(ISALES_DESCRIPTOR.checkCallbackId(bad)).toBeDefined();
  });
});

describe('IsalesAccountConfig', () => {
  const valid = {
    id: 'cn-isales',
    provider: 'isales',
    baseUrl: 'https://10.0.0.5:28080',
    vdnId: 101,
    accessKey: 'AK-1',
    secretKey: 'secret with spaces / and slashes',
  };
  const problems = (plain: object) =>
    validateSync(plainToInstance(IsalesAccountConfig, plain)).map((e) => e.property);

  it('accepts a valid account, with either agent field name', () => {
    expect(problems(valid)).toEqual([]);
    expect(problems({ ...valid, agentIdField: 'workNo' })).toEqual([]);
    expect(problems({ ...valid, agentIdField: 'userAccount', caFile: 'ca.pem' })).toEqual([]);
  });

  it.each([
    ['provider', { provider: 'ozonetel' }],
    ['vdnId', { vdnId: 0 }],
    ['vdnId', { vdnId: 10000 }],
    ['vdnId', { vdnId: 1.5 }],
    ['vdnId', { vdnId: '101' }],
    ['accessKey', { accessKey: '' }],
    ['accessKey', { accessKey: 'a/b' }],
    ['accessKey', { accessKey: 'a'.repeat(257) }],
    ['secretKey', { secretKey: '' }],
    ['secretKey', { secretKey: 'x'.repeat(257) }],
    ['agentIdField', { agentIdField: 'agent' }],
    ['baseUrl', { baseUrl: 'ftp://x' }],
  ])('refuses a bad %s', (field, change) => {
    expect(problems({ ...valid, ...change })).toEqual([field]);
  });

  it('requires the credentials and the VDN', () => {
    const { vdnId: _v, accessKey: _a, secretKey: _s, ...rest } = valid;
    expect(problems(rest).sort()).toEqual(['accessKey', 'secretKey', 'vdnId']);
  });
});
