import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';

const nested = (levels: number, open = '[', close = ']') => open.repeat(levels) + close.repeat(levels);

describe('exceedsJsonDepth', () => {
  it('accepts exactly the limit and refuses one level more, for arrays, objects and both', () => {
    expect(exceedsJsonDepth(nested(32), 32)).toBe(false);
    expect(exceedsJsonDepth(nested(33), 32)).toBe(true);
    const objects = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
    expect(exceedsJsonDepth(objects(32), 32)).toBe(false);
    expect(exceedsJsonDepth(objects(33), 32)).toBe(true);
    const mixed = (levels: number) => {
      let text = '1';
      for (let i = 0; i < levels; i++) text = i % 2 ? `[${text}]` : `{"k":${text}}`;
      return text;
    };
    expect(JSON.parse(mixed(32))).toBeDefined();
    expect(exceedsJsonDepth(mixed(32), 32)).toBe(false);
    expect(exceedsJsonDepth(mixed(33), 32)).toBe(true);
  });

  it('counts the depth reached, not the brackets seen: siblings do not add up', () => {
    const siblings = `[${Array(1000).fill(nested(31)).join(',')}]`;
    expect(exceedsJsonDepth(siblings, 32)).toBe(false);
    expect(exceedsJsonDepth(`[${siblings}]`, 32)).toBe(true);
  });

  it('skips brackets inside strings, escaped quotes and escaped backslashes included', () => {
    const wrap = (inner: string) => {
      const text = `${'['.repeat(31)}${inner}${']'.repeat(31)}`;
      JSON.parse(text); // every case is real JSON
      return text;
    };
    expect(exceedsJsonDepth(wrap('["[[[{{{"]'), 32)).toBe(false);
    // \" does not end the string, so the brackets after it are still inside it.
    expect(exceedsJsonDepth(wrap('["a\\"[[[{"]'), 32)).toBe(false);
    // \\ is one escaped backslash: the quote after it ends the string, and the [ after that counts.
    expect(exceedsJsonDepth(wrap('["a\\\\",[]]'), 32)).toBe(true);
    expect(exceedsJsonDepth(wrap('["\\u005b\\\\\\"[", "]"]'), 32)).toBe(false);
    expect(exceedsJsonDepth('{"phoneNumbers":["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]}', 2)).toBe(false);
  });

  it('does not let closers outside any level buy depth', () => {
    expect(exceedsJsonDepth(']'.repeat(10) + '['.repeat(33), 32)).toBe(true);
  });

  it('answers a few MiB of "[" at once and scans a flat body of MiBs in linear time', () => {
    const deep = '['.repeat(4 * 1024 * 1024);
    const flat = JSON.stringify({ phoneNumbers: Array(200_000).fill('+91981234567800000000') });
    const started = performance.now();
    expect(exceedsJsonDepth(deep, MAX_JSON_DEPTH)).toBe(true);
    expect(exceedsJsonDepth(flat, MAX_JSON_DEPTH)).toBe(false);
    // One pass over ~9 MiB takes a few ms. A scanner gone quadratic would take hours, so the bound is
    // far above the figure: a whole-suite run's GC pause (over a second has been seen) must not trip it.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
