import { ConfigError, parseGatewayConfig } from '@app/config';
import { IsalesAccountConfig } from './config';

const account = {
  id: 'cn-isales',
  provider: 'isales',
  baseUrl: 'https://10.0.0.5:28080',
  vdnId: 101,
  accessKey: 'ak',
  secretKey: 'sk',
};

function parse(extra: Record<string, unknown>) {
  return parseGatewayConfig(
    {
      clients: [{ id: 'billing', keySha256: 'a'.repeat(64), accounts: ['*'] }],
      accounts: [{ ...account, ...extra }],
    },
    { accountClasses: { isales: IsalesAccountConfig }, env: {} },
  ).accounts[0] as IsalesAccountConfig;
}

describe('IsalesAccountConfig timeZone', () => {
  it('is optional (the adapter then uses UTC) and takes an IANA name', () => {
    expect(parse({}).timeZone).toBeUndefined();
    expect(parse({ timeZone: 'Asia/Kolkata' }).timeZone).toBe('Asia/Kolkata');
  });

  it.each(['Asia/Kolkatta', '+05:30', 'IST+5:30', '', 8])(
    'stops the start on %j, naming the field',
    (timeZone) => {
      let error: unknown;
      try {
        parse({ timeZone });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe('accounts[0].timeZone');
      expect((error as ConfigError).message).toBe(
        'Invalid gateway configuration: accounts[0].timeZone: timeZone must be an IANA time zone name such as Asia/Shanghai or UTC',
      );
    },
  );
});
