import { makeRedactor } from './redactor';

describe('makeRedactor', () => {
  it("blanks every occurrence of each of the account's secrets", () => {
    const redact = makeRedactor(['AK-LEAK', 'SK-LEAK-SECRET']);
    const cleaned = redact('AK-LEAK signed with SK-LEAK-SECRET, AK-LEAK again');
    expect(cleaned).toBe('[redacted] signed with [redacted], [redacted] again');
  });

  it('blanks the longer of two overlapping secrets whole', () => {
    expect(makeRedactor(['abcd', 'abcdefgh'])('key abcdefgh')).toBe('key [redacted]');
  });

  it('ignores empty secrets, and short ones below the minimum length', () => {
    expect(makeRedactor(['', 'x'])('x marks')).toBe('[redacted] marks');
    expect(makeRedactor(['abc'], { minSecretLength: 4 })('abc')).toBe('abc');
    expect(makeRedactor(['abcd'], { minSecretLength: 4 })('abcd')).toBe('[redacted]');
  });

  it('blanks the extra patterns too', () => {
    const redact = makeRedactor(['AK'], {
      patterns: [{ pattern: /auth-v2\/[^\s"',]*/g, replacement: 'auth-v2/[redacted]' }],
    });
    expect(redact('bad auth-v2/AK/2026/host/abcd, said AK')).toBe('bad auth-v2/[redacted], said [redacted]');
  });
});
