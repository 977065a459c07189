import { verifySignature } from './verify-signature';

/*
 * The three vectors Huawei's public demo client (SignInfo / SignerUtils / PathUtils) produces, checked
 * against the sandbox's own verifier: the sandbox must accept exactly what the vendor's code signs.
 */
const tenant = { vdnId: 1, accessKey: 'globalaktest', secretKey: '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p' };
const host = '10.22.26.181:28080';
const prefix = 'auth-v2/globalaktest/2018-11-12T04:12:12Z';

const VECTORS = [
  {
    name: "a POST whose body holds Chinese text and !*'()",
    method: 'POST',
    rawPath: '/rest/isales/v1/openapi/campaigns/1/queryCampaignInfo',
    rawQuery: undefined,
    headers: { host, 'content-type': 'application/json;charset=UTF-8' },
    body: `{"name":"外呼 test!*'()","offset":0,"limit":10}`,
    authorization: `${prefix}/content-type;host/8245d77bc329f7d5b7a8a95f5c6889d8d7db680232b28eb8f02c2ca456367711`,
  },
  {
    name: 'a GET with a query (space, Chinese text with ~, empty value)',
    method: 'GET',
    rawPath: '/rest/isales/v1/openapi/campaigns/1',
    rawQuery: `b=x%20y&a=${encodeURIComponent('中文~')}&c=`,
    headers: { host },
    body: '',
    authorization: `${prefix}/host/d12fdd254237707f2e1ad479734bdf37ac0b27fb1037b821aa6edb4434d44d33`,
  },
  {
    name: 'a POST with an empty body',
    method: 'POST',
    rawPath: '/rest/cmsapp/v1/ping',
    rawQuery: undefined,
    headers: { host, 'content-type': 'application/json;charset=UTF-8' },
    body: '',
    authorization: `${prefix}/content-type;host/1d03e110126251390d1f4359b8ddca2485c5aae56dd8c09bdacdff972056afc5`,
  },
];

describe("the sandbox's signature check against Huawei's demo vectors", () => {
  it.each(VECTORS)('accepts $name', (vector) => {
    const verdict = verifySignature(
      {
        method: vector.method,
        rawPath: vector.rawPath,
        rawQuery: vector.rawQuery,
        headers: { ...vector.headers, authorization: vector.authorization },
        rawBody: Buffer.from(vector.body, 'utf8'),
      },
      [tenant],
    );
    expect(verdict).toEqual({ ok: true, tenant });
  });

  it.each(VECTORS)('refuses $name with one byte of the body or path changed', (vector) => {
    const verdict = verifySignature(
      {
        method: vector.method,
        rawPath: `${vector.rawPath}x`,
        rawQuery: vector.rawQuery,
        headers: { ...vector.headers, authorization: vector.authorization },
        rawBody: Buffer.from(vector.body, 'utf8'),
      },
      [tenant],
    );
    expect(verdict).toMatchObject({ ok: false, reason: 'signature mismatch' });
  });
});
