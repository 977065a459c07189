import { normalize } from './normalize';
import { canonicalQuery } from './canonical-request';

describe('normalize (auth-v2)', () => {
  it('keeps only A-Z a-z 0-9 - . _ ~', () => {
    expect(normalize('AZaz09-._~')).toBe('AZaz09-._~');
  });

  it('percent-encodes everything else with upper-case hex, JSON punctuation included', () => {
    expect(normalize('{"a": 1}')).toBe('%7B%22a%22%3A%201%7D');
    expect(normalize('/+*#=&')).toBe('%2F%2B%2A%23%3D%26');
  });

  it('encodes the UTF-8 bytes of non-ASCII text', () => {
    expect(normalize('é')).toBe('%C3%A9');
    expect(normalize('中')).toBe('%E4%B8%AD');
  });

  it('encodes a Buffer byte for byte', () => {
    expect(normalize(Buffer.from([0x00, 0x7f, 0xff, 0x41]))).toBe('%00%7F%FFA');
  });
});

describe('canonicalQuery', () => {
  it('decodes, normalizes and sorts key=value pairs', () => {
    expect(canonicalQuery('status=2&name=Spring%20renewals&curPage=1')).toBe(
      'curPage=1&name=Spring%20renewals&status=2',
    );
  });

  it('reads + as a space and a bare key as an empty value', () => {
    expect(canonicalQuery('name=a+b&flag')).toBe('flag=&name=a%20b');
  });
});
