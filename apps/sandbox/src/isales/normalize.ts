/**
 * auth-v2 `normalize`: percent-encode the UTF-8 bytes, keeping only `A-Z a-z 0-9 - . _ ~` and writing
 * every other byte as `%XX` with upper-case hex. A Buffer is encoded byte for byte, which is how the
 * body is signed: the bytes received, not a re-encoding of a decoded string.
 */
export function normalize(input: string | Buffer): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const parts: string[] = [];
  for (const byte of bytes) {
    parts.push(
      isUnreserved(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    );
  }
  return parts.join('');
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}
