/** How deep arrays and objects may nest in a request body; the deepest route body needs 3 levels. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, found in one pass over the
 * characters without building anything. JSON.parse recurses per level, so a few MiB of "[" cost it
 * seconds of blocked event loop, and every recursive walk of the parsed value after it (validation,
 * the idempotency fingerprint) would cost stack; this check runs first and stops at the first level
 * too deep.
 *
 * Brackets inside strings do not count, and a backslash in a string escapes the next character, so
 * `"\""` is one string. Malformed text is left to JSON.parse, which stops at the first error: on any
 * prefix it accepts, the depth counted here is the depth it reaches (closers never go below zero).
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && depth > 0) {
      depth--;
    }
  }
  return false;
}
