import { ERROR_CATALOGUE, ERROR_CODES } from '@app/core';
import { useHarness } from './support/harness';
import { KEYS } from './support/keys';
import { RawAnswer, sendRaw } from './support/raw-http';

/*
 * Odd paths, headers and bodies over a raw socket (what an HTTP client library would refuse to send),
 * generated from a fixed seed so a failure repeats. Whatever the gateway refuses, and at whatever layer
 * (Node's HTTP parser, Fastify's router, Nest), the answer is problem+json with a catalogue code whose
 * status is the answer's status; nothing is a 500.
 */

const AUTH = `Bearer ${KEYS.admin}`;
const CONTACTS = '/v1/accounts/cn-isales/campaigns/1001/contacts/delete';
const OZONETEL = '/v1/accounts/in-ozonetel/campaigns';

interface RawRequest {
  name: string;
  method?: string;
  /** Sent as given: raw bytes, no encoding. */
  path: string | Buffer;
  headers?: [string, string][];
  body?: string | Buffer;
  /** Left out: Content-Length is computed unless given in headers. */
  noLength?: boolean;
}

function encode(request: RawRequest, host: string): Buffer {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers: [string, string][] = [['host', host], ['connection', 'close'], ...(request.headers ?? [])];
  const hasLength = headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
  if (!request.noLength && !hasLength && (body.length > 0 || request.method === 'POST')) {
    headers.push(['content-length', String(body.length)]);
  }
  return Buffer.concat([
    Buffer.from(`${request.method ?? 'GET'} `, 'latin1'),
    Buffer.from(request.path),
    Buffer.from(' HTTP/1.1\r\n', 'latin1'),
    Buffer.from(headers.map(([name, value]) => `${name}: ${value}\r\n`).join(''), 'utf8'),
    Buffer.from('\r\n', 'latin1'),
    body,
  ]);
}

/** mulberry32: small, seeded, good enough to pick cases. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_SEGMENTS = [
  'é',
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%C0%AF',
  '..',
  '%2e%2e',
  '%2F',
  ' ',
  '\t',
  '外呼',
  '💥',
  '?x=%',
  '#frag',
  ';a=b',
  'a'.repeat(300),
  '%41'.repeat(900),
  '%E2%82%AC'.repeat(300),
];

const ODD_BODIES = [
  '',
  'null',
  '[]',
  '"text"',
  '{',
  '{"phoneNumbers":',
  '{"phoneNumbers":[1e999]}',
  '{"phoneNumbers":["66660001"],"phoneNumbers":["66660002"]}',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '\uFEFF{"phoneNumbers":["66660001"]}',
  `${'['.repeat(40)}${']'.repeat(40)}`,
  `{"phoneNumbers":["66660001"],"scheduledTime":${'{"a":'.repeat(30)}1${'}'.repeat(30)}}`,
  '{"phoneNumbers":["\\ud800"]}',
  '{"customField":"\\u0000"}',
];

function fuzzCases(seed: number, count: number): RawRequest[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const cases: RawRequest[] = [];
  for (let i = 0; i < count; i++) {
    const segment = pick(ODD_SEGMENTS);
    const path = pick([
      `/v1/accounts/${segment}`,
      `/v1/accounts/cn-isales/campaigns/${segment}/pause`,
      `${OZONETEL}/${segment}/contacts/delete`,
      `/v1/operations/${segment}`,
      `/v1/accounts/cn-isales/callbacks/${segment}`,
      `/${segment}`,
    ]);
    const method = pick(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']);
    const headers: [string, string][] = [];
    if (next() < 0.8) headers.push(['authorization', AUTH]);
    if (next() < 0.6)
      headers.push([
        'content-type',
        pick(['application/json', 'text/plain', 'application/json; charset=latin1']),
      ]);
    if (next() < 0.3)
      headers.push(['idempotency-key', pick(['"ok-1"', '', '"unterminated', 'a'.repeat(300), 'ключ'])]);
    if (next() < 0.2)
      headers.push(['prefer', pick(['wait=abc', 'wait=99999999999999999999', 'respond-async, wait=5'])]);
    const body = next() < 0.6 ? pick(ODD_BODIES) : undefined;
    cases.push({
      name: `fuzz #${i} ${method} ${path.slice(0, 60)}`,
      method,
      path: Buffer.from(path, 'utf8'),
      headers,
      body,
    });
  }
  return cases;
}

const FIXED_CASES: RawRequest[] = [
  {
    name: 'raw UTF-8 bytes in the path',
    path: Buffer.from('/v1/accounts/caf\u00e9', 'utf8'),
    headers: [['authorization', AUTH]],
  },
  {
    name: 'a raw Latin-1 byte in the path',
    path: Buffer.from([0x2f, 0x76, 0x31, 0x2f, 0xe9]),
    headers: [['authorization', AUTH]],
  },
  {
    name: 'a malformed percent-escape in a path parameter',
    path: `${OZONETEL}/%E0%A4%A/contacts/delete`,
    method: 'POST',
    headers: [
      ['authorization', AUTH],
      ['content-type', 'application/json'],
    ],
    body: '{"phoneNumbers":["9812345601"]}',
  },
  {
    name: 'a campaign name of 3000 characters',
    path: `${OZONETEL}/${'a'.repeat(3000)}/contacts/delete`,
    method: 'POST',
    headers: [
      ['authorization', AUTH],
      ['content-type', 'application/json'],
    ],
    body: '{"phoneNumbers":["9812345601"]}',
  },
  {
    name: 'a path parameter of 20000 characters',
    path: `/v1/operations/${'b'.repeat(20_000)}`,
    headers: [['authorization', AUTH]],
  },
  {
    name: 'headers over 16 KB',
    path: '/v1/accounts',
    headers: [
      ['authorization', AUTH],
      ['x-filler', 'x'.repeat(20_000)],
    ],
  },
  {
    name: '200 small headers over 16 KB together',
    path: '/v1/accounts',
    headers: Array.from({ length: 200 }, (_, i): [string, string] => [`x-h${i}`, 'y'.repeat(90)]),
  },
  { name: 'a header name with a space', path: '/v1/accounts', headers: [['bad name', 'x']] },
  { name: 'a header value with a raw control byte', path: '/v1/accounts', headers: [['x-odd', 'a\u0001b']] },
  {
    name: 'two different Content-Lengths',
    path: CONTACTS,
    method: 'POST',
    headers: [
      ['authorization', AUTH],
      ['content-length', '2'],
      ['content-length', '3'],
    ],
    body: '{}',
  },
  {
    name: 'Content-Length and chunked together',
    path: CONTACTS,
    method: 'POST',
    headers: [
      ['authorization', AUTH],
      ['content-length', '2'],
      ['transfer-encoding', 'chunked'],
    ],
    body: '0\r\n\r\n',
  },
  {
    name: 'a non-numeric Content-Length',
    path: CONTACTS,
    method: 'POST',
    headers: [
      ['authorization', AUTH],
      ['content-length', 'abc'],
    ],
    body: '',
  },
  { name: 'an unknown method', method: 'PROPFIND', path: '/v1/accounts', headers: [['authorization', AUTH]] },
  {
    name: 'an absolute-form target',
    path: 'http://evil.example/v1/accounts',
    headers: [['authorization', AUTH]],
  },
  { name: 'an asterisk target', method: 'OPTIONS', path: '*', headers: [] },
  { name: 'a NUL in the query', path: '/v1/accounts?x=%00&y', headers: [['authorization', AUTH]] },
  {
    name: 'a malformed query',
    path: '/v1/operations/x/results?limit=%&cursor=%zz',
    headers: [['authorization', AUTH]],
  },
  { name: 'a key that is all spaces', path: '/v1/accounts', headers: [['authorization', 'Bearer      ']] },
  {
    name: 'an Authorization of 8 KB',
    path: '/v1/accounts',
    headers: [['authorization', `Bearer ${'k'.repeat(8000)}`]],
  },
  {
    name: 'callData nested 31 levels (under the body limit of 32)',
    method: 'POST',
    path: '/v1/accounts/cn-isales/callbacks',
    headers: [
      ['authorization', AUTH],
      ['content-type', 'application/json'],
    ],
    body: JSON.stringify({
      campaignId: '1001',
      phoneNumber: '66660001',
      scheduledAt: '2099-01-01T00:00:00Z',
      mode: 'automatic',
      callData: JSON.parse(`${'{"a":'.repeat(30)}1${'}'.repeat(30)}`),
    }),
  },
  {
    name: 'a body of invalid UTF-8',
    method: 'POST',
    path: CONTACTS,
    headers: [
      ['authorization', AUTH],
      ['content-type', 'application/json'],
    ],
    body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  },
];

function expectCataloguedProblem(answer: RawAnswer, name: string): void {
  const code: unknown = answer.body?.code;
  const catalogued = typeof code === 'string' && (ERROR_CODES as string[]).includes(code);
  expect({ name, contentType: answer.headers['content-type'], code, catalogued }).toEqual({
    name,
    contentType: expect.stringMatching(/^application\/problem\+json/),
    code,
    catalogued: true,
  });
  expect(ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status).toBe(answer.status);
  expect(answer.body).toMatchObject({
    status: answer.status,
    type: expect.any(String),
    detail: expect.any(String),
  });
  expect(answer.headers['x-request-id']).toBe(answer.body.requestId);
  expect({ name, status: answer.status }).not.toEqual({ name, status: 500 });
  if (answer.status === 400) expect(code).toBe('validation_failed');
}

describe('fuzzed requests: every refusal is problem+json with a catalogue code', () => {
  const h = useHarness();
  const host = () => new URL(h().gateway.url).host;

  it.each(FIXED_CASES.map((c) => [c.name, c] as const))('%s', async (_name, request) => {
    const answer = await sendRaw(h().gateway.url, encode(request, host()));
    if (answer.status >= 400) expectCataloguedProblem(answer, request.name);
    else expect(answer.status).toBeLessThan(300);
  });

  it('answers 300 seeded odd requests with a catalogued problem (or a success)', async () => {
    const answers: { name: string; status: number }[] = [];
    for (const request of fuzzCases(20_251_201, 300)) {
      const answer = await sendRaw(h().gateway.url, encode(request, host()));
      answers.push({ name: request.name, status: answer.status });
      if (answer.status >= 400) expectCataloguedProblem(answer, request.name);
    }
    // The seed must reach the layers under test, not just one kind of refusal.
    const statuses = new Set(answers.map((a) => a.status));
    expect(statuses.size).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
