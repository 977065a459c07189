import { validationFailed } from '@app/core';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/**
 * The key from `Idempotency-Key`, which the IETF draft defines as a Structured Field string
 * (`"abc"`); a bare token is accepted too, since many clients send one. Either way the key itself must
 * be 1..255 visible ASCII characters. Undefined when the header is absent.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header.join(',') : header).trim();
  const quoted = SF_STRING.exec(raw);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : raw;
  if (!VISIBLE_ASCII.test(key)) {
    throw validationFailed(
      [
        {
          field: 'Idempotency-Key',
          message: 'must be 1..255 visible ASCII characters, bare or as a quoted string',
        },
      ],
      'The Idempotency-Key header is malformed',
    );
  }
  return key;
}
