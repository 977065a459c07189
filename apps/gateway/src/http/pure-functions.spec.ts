import { GatewayError } from '@app/core';
import { parseIdempotencyKey } from '../idempotency/idempotency-key';
import { canonicalJson, idempotencyScope, requestFingerprint } from '../idempotency/request-fingerprint';
import { isTransientStatus } from '../idempotency/idempotency-completion';
import { parsePrefer } from '../operations/prefer-header';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { DIAL_STRING, isRfc3339 } from './validators';

describe('isRfc3339', () => {
  it.each([
    '2026-12-01T10:30:00+05:30',
    '2026-12-01T10:30:00Z',
    '2026-12-01t10:30:00z',
    '2026-12-01T10:30:00.123456-08:00',
    '2028-02-29T00:00:00Z',
  ])('accepts %s', (value) => expect(isRfc3339(value)).toBe(true));

  it.each([
    '2026-12-01T10:30:00', // no offset
    '2026-12-01 10:30:00Z',
    '2026-02-29T00:00:00Z', // not a leap year
    '2026-13-01T00:00:00Z',
    '2026-12-01T24:00:00Z',
    '2026-12-01T10:30:00+24:00',
    20261201,
  ])('rejects %s', (value) => expect(isRfc3339(value)).toBe(false));
});

describe('DIAL_STRING', () => {
  it.each(['1', '+919812345678', '*123#', '1'.repeat(24)])('accepts %s', (n) =>
    expect(DIAL_STRING.test(n)).toBe(true),
  );
  it.each(['', '++1', '1+2', '12-34', '1'.repeat(25), '+'])('rejects %s', (n) =>
    expect(DIAL_STRING.test(n)).toBe(false),
  );
});

describe('parseIdempotencyKey', () => {
  it('takes a structured-field string and a bare token alike, unescaping the string', () => {
    expect(parseIdempotencyKey('"abc-1"')).toBe('abc-1');
    expect(parseIdempotencyKey('abc-1')).toBe('abc-1');
    expect(parseIdempotencyKey('"a\\"b"')).toBe('a"b');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each(['""', 'two words', '"two words"', 'clé', 'x'.repeat(256)])(
    'rejects %j naming the header',
    (key) => {
      let error: unknown;
      try {
        parseIdempotencyKey(key);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).errors?.[0].field).toBe('Idempotency-Key');
    },
  );
});

describe('request fingerprints', () => {
  it('ignore key order and query order, and see every other difference', () => {
    const a = requestFingerprint('POST', '/v1/x?b=2&a=1', { x: 1, y: { p: [1, 2], q: 'z' } });
    expect(requestFingerprint('post', '/v1/x?a=1&b=2', { y: { q: 'z', p: [1, 2] }, x: 1 })).toBe(a);
    expect(requestFingerprint('POST', '/v1/x?a=1&b=2', { x: 1, y: { p: [2, 1], q: 'z' } })).not.toBe(a);
    expect(requestFingerprint('DELETE', '/v1/x?a=1&b=2', { x: 1, y: { p: [1, 2], q: 'z' } })).not.toBe(a);
    expect(requestFingerprint('POST', '/v1/y?a=1&b=2', { x: 1, y: { p: [1, 2], q: 'z' } })).not.toBe(a);
  });

  it('write canonical JSON and scope keys by client and account', () => {
    expect(canonicalJson({ b: [{ d: 1, c: null }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[{"c":null,"d":1}]}',
    );
    expect(idempotencyScope('c1', 'a1', 'k')).not.toBe(idempotencyScope('c2', 'a1', 'k'));
    expect(idempotencyScope('c1', 'a1', 'k')).not.toBe(idempotencyScope('c1', 'a2', 'k'));
  });

  it('fingerprint a body as deep as the parser lets through', () => {
    // Built twice: keys in the "wrong" order, and as canonical JSON must write them.
    let body: unknown = { phoneNumbers: ['66660001'] };
    let sorted: unknown = body;
    for (let depth = 2; depth < MAX_JSON_DEPTH; depth++) {
      body = depth % 2 ? { z: body, a: 1 } : [body];
      sorted = depth % 2 ? { a: 1, z: sorted } : [sorted];
    }
    const text = JSON.stringify(body);
    expect(exceedsJsonDepth(text, MAX_JSON_DEPTH)).toBe(false);
    expect(exceedsJsonDepth(text, MAX_JSON_DEPTH - 1)).toBe(true);
    expect(canonicalJson(body)).toBe(JSON.stringify(sorted));
    expect(requestFingerprint('POST', '/v1/x', body)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('isTransientStatus', () => {
  it('keeps definite answers and 501, releases rate limits and failures', () => {
    expect([200, 201, 202, 204, 400, 404, 409, 422, 501].map(isTransientStatus)).toEqual(
      Array(9).fill(false),
    );
    expect([429, 500, 502, 503, 504].map(isTransientStatus)).toEqual(Array(5).fill(true));
  });
});

describe('parsePrefer', () => {
  it.each([
    [undefined, { respondAsync: false }],
    ['respond-async', { respondAsync: true }],
    ['wait=10', { respondAsync: false, waitSeconds: 10 }],
    ['Respond-Async, wait=5', { respondAsync: true, waitSeconds: 5 }],
    ['wait=600', { respondAsync: false, waitSeconds: 60 }],
    ['wait="7"', { respondAsync: false, waitSeconds: 7 }],
    ['wait=soon, handling=strict', { respondAsync: false }],
  ])('reads %j', (header, expected) => expect(parsePrefer(header)).toEqual(expected));
});
