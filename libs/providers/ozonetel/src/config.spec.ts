import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { OzonetelAccountConfig } from './config';

const VALID = {
  id: 'in-ozonetel',
  provider: 'ozonetel',
  baseUrl: 'https://in1-ccaas-api.ozonetel.com',
  userName: 'acme',
  apiKey: 'KK0123456789abcdef',
};

function errorsOf(plain: Record<string, unknown>): string[] {
  const config = plainToInstance(OzonetelAccountConfig, plain);
  return validateSync(config, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
}

describe('OzonetelAccountConfig', () => {
  it('accepts a valid account and defaults authMode to basic', () => {
    expect(errorsOf(VALID)).toEqual([]);
    expect(plainToInstance(OzonetelAccountConfig, VALID).authMode).toBe('basic');
    expect(errorsOf({ ...VALID, authMode: 'token' })).toEqual([]);
  });

  it.each([
    ['provider', { provider: 'isales' }],
    ['userName', { userName: '' }],
    ['userName', { userName: '   ' }],
    ['userName', { userName: 'u'.repeat(129) }],
    ['apiKey', { apiKey: '' }],
    ['apiKey', { apiKey: 'k'.repeat(513) }],
    ['apiKey', { apiKey: 'with\nnewline' }],
    ['authMode', { authMode: 'oauth' }],
  ])('refuses a bad %s', (field, change) => {
    expect(errorsOf({ ...VALID, ...change })).toContain(field);
  });

  it('refuses a missing apiKey or userName', () => {
    const { apiKey: _a, userName: _u, ...rest } = VALID;
    expect(errorsOf(rest).sort()).toEqual(['apiKey', 'userName']);
  });

  it('keeps the API key out of its JSON form', () => {
    const text = JSON.stringify(plainToInstance(OzonetelAccountConfig, VALID));
    expect(text).not.toContain(VALID.apiKey);
    expect(JSON.parse(text)).toMatchObject({ id: 'in-ozonetel', userName: 'acme', apiKey: '[redacted]' });
  });
});
