import { createHmac } from 'node:crypto';
import { formatAuthV2Timestamp, normalizeAuthV2, signAuthV2 } from './auth';

/*
 * Expected values are derived here by hand from the auth-v2 description in docs/vendors.md: the
 * canonical pieces are written out literally (percent-encoding done by hand) and the two HMACs are
 * computed with node:crypto directly, so a misreading in signer.ts cannot hide in a shared helper.
 */

const AK = 'AK-TEST';
const SK = 'SK-TEST';
const JSON_CT = 'application/json; charset=UTF-8';
const JSON_CT_NORMALIZED = 'application%2Fjson%3B%20charset%3DUTF-8';

function hmacHex(key: string, message: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
}

/** signingKey = hex HMAC(SK, prefix); signature = hex HMAC(key = signingKey's hex text, canonical). */
function expectedAuthorization(prefix: string, canonicalRequest: string): string {
  const signingKey = hmacHex(SK, prefix);
  expect(signingKey).toMatch(/^[0-9a-f]{64}$/);
  return `${prefix}/${hmacHex(signingKey, canonicalRequest)}`;
}

describe('auth-v2 signer', () => {
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));

  it('formats the timestamp as UTC yyyy-MM-ddTHH:mm:ssZ without milliseconds', () => {
    expect(formatAuthV2Timestamp(at)).toBe('2026-01-02T03:04:05Z');
    // A non-UTC wall clock must not leak in: the same instant written with an offset.
    expect(formatAuthV2Timestamp(new Date('2026-01-02T08:34:05.999+05:30'))).toBe('2026-01-02T03:04:05Z');
    expect(() => formatAuthV2Timestamp(new Date('nope'))).toThrow(RangeError);
  });

  it('normalizes UTF-8 bytes, keeping only A-Z a-z 0-9 - . _ ~ and writing upper-case hex', () => {
    expect(normalizeAuthV2('Az09-._~')).toBe('Az09-._~');
    // encodeURIComponent would keep these; auth-v2 must not.
    expect(normalizeAuthV2("!'()* +/:")).toBe('%21%27%28%29%2A%20%2B%2F%3A');
    // 张 = E5 BC A0, 三 = E4 B8 89, é = C3 A9
    expect(normalizeAuthV2('张三é')).toBe('%E5%BC%A0%E4%B8%89%C3%A9');
    expect(normalizeAuthV2('{"a":1}')).toBe('%7B%22a%22%3A1%7D');
  });

  it('signs a POST whose JSON body holds non-ASCII text, with content-type and host', () => {
    const body = '{"remark":"张三 café (vip)!","calledNo":"66660001*#"}';
    const path = '/rest/isales/v1/openapi/campaigns/101/appoint/create';
    const prefix = `auth-v2/${AK}/2026-01-02T03:04:05Z/content-type;host`;
    const canonical = [
      'POST',
      path,
      'content-type;host',
      `content-type:${JSON_CT_NORMALIZED}\nhost:10.0.0.5%3A28080`,
      '%7B%22remark%22%3A%22%E5%BC%A0%E4%B8%89%20caf%C3%A9%20%28vip%29%21%22%2C' +
        '%22calledNo%22%3A%2266660001%2A%23%22%7D',
    ].join('\n');

    const actual = signAuthV2({
      accessKey: AK,
      secretKey: SK,
      method: 'POST',
      path,
      // Names in any case, values with stray spaces: both are canonicalized.
      headers: { 'Content-Type': `  ${JSON_CT} `, Host: '10.0.0.5:28080' },
      body,
      timestamp: at,
    });
    expect(actual).toBe(expectedAuthorization(prefix, canonical));
  });

  it('signs a GET with a query: keys and values normalized, pairs sorted, no body line', () => {
    const path = '/rest/isales/v1/openapi/campaigns/101';
    const prefix = `auth-v2/${AK}/2026-01-02T03:04:05Z/host`;
    // "A~=..." < "a=1" < "b%20key=..." in byte order.
    const canonical = [
      'GET',
      path,
      'A~=%C3%A9&a=1&b%20key=x%2Fy%2Bz',
      'host',
      'host:isales.example.com',
      '',
    ].join('\n');
    const expected = expectedAuthorization(prefix, canonical);

    const base = { accessKey: AK, secretKey: SK, method: 'get', path, timestamp: at };
    const headers = { host: 'isales.example.com' };
    expect(signAuthV2({ ...base, headers, query: { 'b key': 'x/y+z', a: '1', 'A~': 'é' } })).toBe(expected);
    expect(
      signAuthV2({
        ...base,
        headers,
        query: new URLSearchParams([
          ['a', '1'],
          ['b key', 'x/y+z'],
          ['A~', 'é'],
        ]),
      }),
    ).toBe(expected);
  });

  it('signs a DELETE without a body: the canonical request ends after the headers line', () => {
    const path = '/rest/isales/v1/openapi/campaigns/101/1001';
    const prefix = `auth-v2/${AK}/2026-01-02T03:04:05Z/host`;
    const canonical = 'DELETE\n' + path + '\n' + 'host\n' + 'host:10.0.0.5%3A28080\n';
    const expected = expectedAuthorization(prefix, canonical);
    const input = { accessKey: AK, secretKey: SK, method: 'DELETE', path, timestamp: at };
    expect(signAuthV2({ ...input, headers: { host: '10.0.0.5:28080' } })).toBe(expected);
    // An empty body and an empty query are "no body" and "no query", not empty lines.
    expect(signAuthV2({ ...input, headers: { host: '10.0.0.5:28080' }, body: '', query: {} })).toBe(expected);
  });

  it('covers the signed host: another host gives another signature', () => {
    const input = { accessKey: AK, secretKey: SK, method: 'PUT', path: '/p/pause', timestamp: at };
    const withPort = signAuthV2({ ...input, headers: { host: '10.0.0.5:28080' } });
    const withoutPort = signAuthV2({ ...input, headers: { host: '10.0.0.5' } });
    expect(withPort).not.toBe(withoutPort);
    expect(withPort).toBe(
      expectedAuthorization(
        `auth-v2/${AK}/2026-01-02T03:04:05Z/host`,
        'PUT\n/p/pause\nhost\nhost:10.0.0.5%3A28080\n',
      ),
    );
  });

  it('refuses to sign without host, with a duplicated header, or with the query inside the path', () => {
    const input = { accessKey: AK, secretKey: SK, method: 'GET', timestamp: at };
    expect(() => signAuthV2({ ...input, path: '/p', headers: { 'content-type': JSON_CT } })).toThrow(/host/);
    expect(() => signAuthV2({ ...input, path: '/p', headers: { host: 'a', Host: 'b' } })).toThrow(/twice/);
    expect(() => signAuthV2({ ...input, path: '/p?a=1', headers: { host: 'a' } })).toThrow(/query/);
  });

  it('matches a vector frozen once from a hand derivation', () => {
    expect(
      signAuthV2({
        accessKey: AK,
        secretKey: SK,
        method: 'POST',
        path: '/rest/isales/v1/openapi/campaigns/101/appoint/delete',
        headers: { host: '10.0.0.5:28080', 'content-type': JSON_CT },
        body: '{"appointId":"174712034211433247704877116507"}',
        timestamp: at,
      }),
    ).toBe(
      'auth-v2/AK-TEST/2026-01-02T03:04:05Z/content-type;host/' +
        'd92ab456522f2c0c6fb0851ecf8df5a2d0b4618b69b07ddf7feb72cee4901a5d',
    );
  });

  /*
   * Vectors produced by Huawei's own public demo client (SignInfo / SignerUtils / PathUtils in the
   * CloudIPCC demo): fixed values, not derived here, so they guard the reading of the description.
   */
  describe("Huawei demo client's vectors", () => {
    const demo = {
      accessKey: 'globalaktest',
      secretKey: '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
      timestamp: new Date('2018-11-12T04:12:12Z'),
    };
    const host = '10.22.26.181:28080';
    const jsonHeaders = { host, 'content-type': 'application/json;charset=UTF-8' };

    it("signs a POST whose body holds Chinese text, a space and !*'()", () => {
      expect(
        signAuthV2({
          ...demo,
          method: 'POST',
          path: '/rest/isales/v1/openapi/campaigns/1/queryCampaignInfo',
          headers: jsonHeaders,
          body: `{"name":"外呼 test!*'()","offset":0,"limit":10}`,
        }),
      ).toBe(
        'auth-v2/globalaktest/2018-11-12T04:12:12Z/content-type;host/' +
          '8245d77bc329f7d5b7a8a95f5c6889d8d7db680232b28eb8f02c2ca456367711',
      );
    });

    it('signs a GET whose query has a space, Chinese text with ~, and an empty value', () => {
      expect(
        signAuthV2({
          ...demo,
          method: 'GET',
          path: '/rest/isales/v1/openapi/campaigns/1',
          query: { b: 'x y', a: '中文~', c: '' },
          headers: { host },
        }),
      ).toBe(
        'auth-v2/globalaktest/2018-11-12T04:12:12Z/host/' +
          'd12fdd254237707f2e1ad479734bdf37ac0b27fb1037b821aa6edb4434d44d33',
      );
    });

    it('signs a POST with an empty body: no body line', () => {
      expect(
        signAuthV2({ ...demo, method: 'POST', path: '/rest/cmsapp/v1/ping', headers: jsonHeaders, body: '' }),
      ).toBe(
        'auth-v2/globalaktest/2018-11-12T04:12:12Z/content-type;host/' +
          '1d03e110126251390d1f4359b8ddca2485c5aae56dd8c09bdacdff972056afc5',
      );
    });
  });
});
