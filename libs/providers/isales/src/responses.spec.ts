import { GatewayError } from '@app/core';
import { VendorResponse } from '@app/http-client';
import { IsalesAnswer, parseIsalesAnswer, readAppointmentId, readSuccessCount } from './responses';
import { isalesRedactor } from './errors';

const redact = isalesRedactor(['AK-1', 'SK-1']);

function res(status: number, text: string, headers: VendorResponse['headers'] = {}): VendorResponse {
  return { status, text, headers };
}

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('parseIsalesAnswer', () => {
  it('reads success and keeps the string code with its leading zero', () => {
    const answer = parseIsalesAnswer(
      res(200, '{"resultCode":"0200000","resultDesc":"ok","returnCode":"0200000","successCount":2}'),
      redact,
    );
    expect(answer).toMatchObject({ ok: true, code: '0200000', message: 'ok' });
    expect(readSuccessCount(answer)).toBe(2);
  });

  it('reads a business failure without throwing, for the caller to judge', () => {
    const answer = parseIsalesAnswer(res(200, '{"resultCode":"0200007","resultDesc":"no task"}'), redact);
    expect(answer).toMatchObject({ ok: false, code: '0200007', message: 'no task' });
  });

  it('accepts returnCode/returnDesc when resultCode is missing', () => {
    const answer = parseIsalesAnswer(res(200, '{"returnCode":"0200028","returnDesc":"busy"}'), redact);
    expect(answer).toMatchObject({ ok: false, code: '0200028', message: 'busy' });
  });

  it('reads a JSON failure body on a 4xx status too', () => {
    expect(parseIsalesAnswer(res(400, '{"resultCode":"0200001"}'), redact)).toMatchObject({
      ok: false,
      code: '0200001',
    });
  });

  it.each([
    [401, '{"resultCode":"0200000"}', 'provider_auth_failed', 502],
    [401, '', 'provider_auth_failed', 502],
    [500, '<html>oops</html>', 'provider_unavailable', 503],
    [503, '{"resultCode":"0200006"}', 'provider_unavailable', 503],
    [200, '<html><body>Gateway</body></html>', 'provider_error', 502],
    [200, '', 'provider_error', 502],
    [200, 'null', 'provider_error', 502],
    [200, '[{"resultCode":"0200000"}]', 'provider_error', 502],
    [200, '"0200000"', 'provider_error', 502],
    [200, '{"resultDesc":"no code"}', 'provider_error', 502],
    [200, '{"resultCode":200000}', 'provider_error', 502],
    [200, '{"resultCode":""}', 'provider_error', 502],
    [200, '{"resultCode":"0200000"', 'provider_error', 502],
    [404, '<html>Not Found</html>', 'provider_error', 502],
    [302, '{"resultCode":"0200000"}', 'provider_error', 502],
  ])('HTTP %i with %j is %s', (status, text, code, httpStatus) => {
    const error = thrown(() => parseIsalesAnswer(res(status, text), redact));
    expect(error.code).toBe(code);
    expect(error.status).toBe(httpStatus);
    expect(error.provider?.name).toBe('isales');
    expect(error.provider?.code).toBeDefined();
  });

  it('turns HTTP 429 into a not-processed rate limit the gate may retry', () => {
    const error = thrown(() => parseIsalesAnswer(res(429, 'slow down', { 'retry-after': '3' }), redact));
    expect(error.code).toBe('provider_rate_limited');
    expect(error.notProcessed).toBe(true);
    expect(error.transient).toBe(true);
    expect(error.retryAfterSeconds).toBe(3);
  });

  it('does not let the vendor echo our credentials into an error', () => {
    const error = thrown(() =>
      parseIsalesAnswer(
        res(401, '{"resultDesc":"bad auth-v2/AK-1/2026-01-01T00:00:00Z/host/ff with SK-1"}'),
        redact,
      ),
    );
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/AK-1|SK-1|\/ff/);
  });
});

describe('expected success fields', () => {
  const success = (body: Record<string, unknown>): IsalesAnswer => ({ ok: true, code: '0200000', body });

  it('does not parse an answer over 64 KiB: provider_error', () => {
    const big = JSON.stringify({ resultCode: '0200000', resultDesc: 'x'.repeat(64 * 1024) });
    const error = thrown(() => parseIsalesAnswer(res(200, big), redact));
    expect(error.code).toBe('provider_error');
    expect(error.detail).toContain(`${Buffer.byteLength(big)} bytes`);
    expect(error.provider).toEqual({ name: 'isales', code: 'HTTP 200' });
  });

  it('requires a non-negative integer successCount', () => {
    expect(readSuccessCount(success({ successCount: 0 }))).toBe(0);
    for (const body of [
      {},
      { successCount: '1' },
      { successCount: -1 },
      { successCount: 1.5 },
      { successCount: null },
    ]) {
      const error = thrown(() => readSuccessCount(success(body)));
      expect(error.code).toBe('provider_error');
      expect(error.provider).toEqual({ name: 'isales', code: '0200000' });
    }
  });

  it('reads returnObject.id or returnObject.appointId, keeping a 30-digit id as text', () => {
    const id = '174712034211433247704877116507';
    expect(readAppointmentId(success({ returnObject: { id } }))).toBe(id);
    expect(readAppointmentId(success({ returnObject: { appointId: id } }))).toBe(id);
    expect(readAppointmentId(success({ returnObject: { appointId: id, id } }))).toBe(id);
    expect(readAppointmentId(success({ returnObject: { appointId: id, id: '' } }))).toBe(id);
    expect(readAppointmentId(success({ returnObject: { id: 42 } }))).toBe('42');
    expect(readAppointmentId(success({ returnObject: { appointId: 42 } }))).toBe('42');
    for (const body of [
      {},
      { returnObject: null },
      { returnObject: 'x' },
      { returnObject: [id] },
      { returnObject: { id: '' } },
      { returnObject: { appointId: '  ' } },
      { returnObject: { id: 1.7471203421143325e29 } },
      { returnObject: { appointId: id, id: '174712034211433247704877116508' } },
    ]) {
      const error = thrown(() => readAppointmentId(success(body)));
      expect(error.code).toBe('provider_error');
      expect(error.detail).toMatch(/may exist/);
    }
  });
});
