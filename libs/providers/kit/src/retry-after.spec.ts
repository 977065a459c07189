import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = () => Date.parse('2026-12-01T10:00:00Z');

  it('reads delta seconds, at least 1', () => {
    expect(parseRetryAfter({ 'retry-after': '17' }, now)).toBe(17);
    expect(parseRetryAfter({ 'retry-after': ' 0 ' }, now)).toBe(1);
    expect(parseRetryAfter({ 'retry-after': ['5', '9'] }, now)).toBe(5);
  });

  it('reads an HTTP date as the seconds until it, rounded up, at least 1', () => {
    expect(parseRetryAfter({ 'retry-after': 'Tue, 01 Dec 2026 10:00:30 GMT' }, now)).toBe(30);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 01 Dec 2026 09:00:00 GMT' }, now)).toBe(1);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    // Neither delta seconds nor an HTTP date, though Date.parse reads each as some date.
    expect(parseRetryAfter({ 'retry-after': '-3' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '2026-12-01T10:00:30Z' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '1.5' }, now)).toBeUndefined();
  });
});
