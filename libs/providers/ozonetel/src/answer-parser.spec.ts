import { excerptOf, MAX_OZONETEL_ANSWER_BYTES, parseOzonetelAnswer } from './answer-parser';
import { normalizeVendorMessage as normalizeOzonetelMessage } from '@app/providers/kit';

function readable(text: string) {
  const parsed = parseOzonetelAnswer(text);
  if (!parsed.readable) throw new Error(`expected a readable answer for ${text}: ${parsed.reason}`);
  return parsed.answer;
}

describe('parseOzonetelAnswer', () => {
  it.each([
    ['Success', 'success'],
    ['SUCCESS', 'success'],
    ['success', 'success'],
    [' Success ', 'success'],
    ['false', 'failure'],
    ['False', 'failure'],
    ['Error', 'failure'],
    ['error', 'failure'],
    ['FAIL', 'failure'],
    ['failure', 'failure'],
    ['Fail', 'failure'],
    ['pending', 'unknown'],
  ])('reads status %j as %s', (status, verdict) => {
    const answer = readable(JSON.stringify({ status, message: 'm' }));
    expect(answer.verdict).toBe(verdict);
    expect(answer.status).toBe(status.trim());
  });

  it('reads JSON booleans as a verdict too', () => {
    expect(readable('{"status": false, "message": "x"}').verdict).toBe('failure');
    expect(readable('{"status": true, "message": "x"}').verdict).toBe('success');
  });

  it('takes message, else details', () => {
    expect(readable('{"status":"Error","message":"No Record Found"}').message).toBe('No Record Found');
    expect(readable('{"status":"Error","details":"No Record Found"}').message).toBe('No Record Found');
    expect(readable('{"status":"Error","message":"A","details":"B"}').message).toBe('A');
    expect(readable('{"status":"Error","message":"  ","details":"B"}').message).toBe('B');
  });

  it('matches field names whatever their case', () => {
    const answer = readable('{"Status":"SUCCESS","Message":"Deleted Successfully"}');
    expect(answer).toEqual({ verdict: 'success', status: 'SUCCESS', message: 'Deleted Successfully' });
  });

  it('reads a token answer, which has no status', () => {
    expect(readable('{"token": "abc.def", "message": ""}')).toEqual({ verdict: 'unknown', token: 'abc.def' });
  });

  it('unwraps a JSON answer sent inside a JSON string, once', () => {
    const inner = '{"status": "Error", "message": "Passed campaign are invalid"}';
    expect(readable(JSON.stringify(inner))).toEqual({
      verdict: 'failure',
      status: 'Error',
      message: 'Passed campaign are invalid',
    });
    // Three layers is not something the vendor does: unreadable rather than guessed.
    expect(parseOzonetelAnswer(JSON.stringify(JSON.stringify(inner))).readable).toBe(false);
  });

  it('reads the quote-doubled form the vendor page prints', () => {
    expect(readable('"{""status"": ""Error"", ""message"": ""Passed campaign are invalid""}"')).toEqual({
      verdict: 'failure',
      status: 'Error',
      message: 'Passed campaign are invalid',
    });
    expect(
      readable(
        '""{""status"": ""false"",""message"": ""Api Key Should Not be Null or Empty."", ""data"": null}"',
      ),
    ).toEqual({ verdict: 'failure', status: 'false', message: 'Api Key Should Not be Null or Empty.' });
  });

  it('survives a byte-order mark and surrounding whitespace', () => {
    expect(readable('\uFEFF  {"status":"success"}\n').verdict).toBe('success');
  });

  it('calls an object without status or message readable but empty', () => {
    expect(readable('{"data": null}')).toEqual({ verdict: 'unknown' });
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['an empty body', ''],
    ['plain text', 'Service Unavailable'],
    ['truncated JSON', '{"status": "Succ'],
    ['a JSON array', '[{"status":"Success"}]'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['a JSON string that is not JSON', '"Deleted Successfully"'],
  ])('calls %s unreadable without throwing', (_what, text) => {
    const parsed = parseOzonetelAnswer(text);
    expect(parsed.readable).toBe(false);
  });

  it('keeps a short single-line excerpt of an unreadable answer', () => {
    const html = `<html>\n<body>${'x'.repeat(500)}</body>\n</html>`;
    const parsed = parseOzonetelAnswer(html);
    expect(parsed.readable).toBe(false);
    if (parsed.readable) return;
    expect(parsed.excerpt).not.toContain('\n');
    expect(parsed.excerpt.length).toBeLessThanOrEqual(201);
    expect(parsed.excerpt.startsWith('<html> <body>xxx')).toBe(true);
    expect(excerptOf('a\u0000b\r\n c')).toBe('a b c');
  });
});

describe('hostile answers', () => {
  /** Milliseconds one call takes; a quadratic reading of these inputs takes seconds. */
  function timed(run: () => unknown): number {
    const started = performance.now();
    run();
    return performance.now() - started;
  }

  it('reads a long run of quotes that does not end the answer in linear time', () => {
    const hostile = `"x${'"'.repeat(80_000)}y`;
    let parsed: ReturnType<typeof parseOzonetelAnswer> | undefined;
    expect(timed(() => (parsed = parseOzonetelAnswer(hostile)))).toBeLessThan(250);
    expect(parsed).toMatchObject({ readable: false });
    // Twice the input, about twice the time: not four times.
    expect(timed(() => parseOzonetelAnswer(`"x${'"'.repeat(160_000)}y`))).toBeLessThan(500);
  });

  it('still unwraps the documented doubled-quote form', () => {
    expect(readable('"{""status"": ""Error"", ""message"": ""Passed campaign are invalid""}"')).toMatchObject(
      {
        verdict: 'failure',
        message: 'Passed campaign are invalid',
      },
    );
  });

  it('normalizes a message with a long run of periods not at its end in linear time', () => {
    const hostile = `x${'.'.repeat(80_000)}y`;
    expect(timed(() => normalizeOzonetelMessage(hostile))).toBeLessThan(250);
    expect(normalizeOzonetelMessage('Invalid action...  ')).toBe('invalid action');
  });

  it('does not parse an answer over 64 KiB, even valid JSON', () => {
    const big = JSON.stringify({ status: 'Success', message: 'é'.repeat(MAX_OZONETEL_ANSWER_BYTES / 2) });
    expect(parseOzonetelAnswer(big)).toEqual({
      readable: false,
      excerpt: `(an answer of ${Buffer.byteLength(big)} bytes, not read)`,
      reason: 'the answer is too large',
    });
    const fits = JSON.stringify({ status: 'Success', message: 'x'.repeat(MAX_OZONETEL_ANSWER_BYTES - 100) });
    expect(parseOzonetelAnswer(fits).readable).toBe(true);
  });
});
