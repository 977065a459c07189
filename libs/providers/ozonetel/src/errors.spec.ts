import { GatewayError } from '@app/core';
import { VendorResponse } from '@app/http-client';
import { normalizeVendorMessage as normalizeOzonetelMessage } from '@app/providers/kit';
import { findOzonetelRule, isOutcome, OZONETEL_ERROR_TABLE, OzonetelFailure, ozonetelError } from './errors';
import { interpretOzonetelResponse } from './responses';

function response(text: string, status = 200, headers: VendorResponse['headers'] = {}): VendorResponse {
  return { status, headers, text };
}

function failure(text: string, status = 200, headers: VendorResponse['headers'] = {}): OzonetelFailure {
  const result = interpretOzonetelResponse('deleteCampaignData', response(text, status, headers));
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${result.kind}`);
  return result;
}

function errorFor(text: string, status = 200): GatewayError {
  return ozonetelError(failure(text, status), []);
}

/** Every answer on the vendor's deleteCampaignData page, written exactly as the page prints it. */
const SEED_ANSWERS: Array<[string, string, string]> = [
  [
    'Invalid apiKey Key / Missing apiKey key',
    '""{""status"": ""false"",""message"": ""Api Key Should Not be Null or Empty."", ""data"": null}"',
    'provider_auth_failed',
  ],
  [
    'Invalid apiKey Value / Missing apiKey Value',
    '{"status": "false","message": "Invalid User Details","data": null}',
    'provider_auth_failed',
  ],
  [
    'Invalid userName Key / Missing userName key',
    '"{""status"": ""false"",""message"": ""Username Should Not be Null or Empty."", ""data"": null}"',
    'provider_auth_failed',
  ],
  [
    'Invalid userName Value',
    '{"status": "false","message": "Invalid User Details","data": null}',
    'provider_auth_failed',
  ],
  [
    'Invalid campaignName Key',
    '{"status": "Error","message": "Campaign should not be null are empty"}',
    'provider_rejected',
  ],
  [
    'Invalid campaignName Value',
    '"{""status"": ""Error"", ""message"": ""Passed campaign are invalid""}"',
    'campaign_not_found',
  ],
  [
    'Missing campaignName key',
    '{"status": "Error","message": "Campaign should not be null are empty"}',
    'provider_rejected',
  ],
  [
    'Invalid PhoneNumber Key',
    '{"status": "Error","message": "PhoneNumber should not be null are empty"}',
    'provider_rejected',
  ],
  [
    'Missing PhoneNumber key / Value',
    '{"status": "Error","message": "PhoneNumber should not be null are empty"}',
    'provider_rejected',
  ],
  [
    'Deleting multiple numbers in one request',
    '{"status": "false","message": "Invalid Json Pass Valid Json", "data": null}',
    'provider_rejected',
  ],
];

describe('Ozonetel answers to deleteCampaignData', () => {
  it('reads the documented success answer as a deletion', () => {
    const result = interpretOzonetelResponse(
      'deleteCampaignData',
      response('{"status": "Success","message": "Deleted Successfully"}'),
    );
    expect(result.kind).toBe('success');
  });

  it.each(['SUCCESS', 'success', 'Success'])('takes status %s as success whatever the message', (status) => {
    expect(
      interpretOzonetelResponse('deleteCampaignData', response(JSON.stringify({ status, details: 'ok' })))
        .kind,
    ).toBe('success');
  });

  it.each([
    ['Invalid PhoneNumber Value', '{"status": "Error","message": "No Record Found"}'],
    ['Deleting an already deleted number', '{"status": "Error","message": "No Record Found"}'],
    ['details instead of message, other casing', '{"status": "FAIL","details": "no record found."}'],
  ])('reports "%s" as the not_found outcome, not an error', (_case, body) => {
    const result = interpretOzonetelResponse('deleteCampaignData', response(body));
    expect(result).toEqual({ kind: 'outcome', outcome: 'not_found', vendorMessage: expect.any(String) });
  });

  it.each(SEED_ANSWERS)('maps "%s" to its catalogue code', (_case, body, code) => {
    const error = errorFor(body);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe(code);
    expect(error.provider?.name).toBe('ozonetel');
    expect(error.provider?.message).toBe(
      JSON.parse(body.replace(/^"+|"+$/g, '').replace(/""/g, '"')).message,
    );
    expect(error.detail).not.toContain(error.provider!.message!);
    expect(error.notProcessed).toBe(false);
    expect(error.transient).toBe(false);
  });

  it('tells the caller the account is configured in the wrong auth mode on "Invalid action."', () => {
    const error = errorFor('{"status":"false","message":"Invalid action.","data":null}');
    expect(error.code).toBe('provider_auth_failed');
    expect(error.detail).toMatch(/authMode/);
    expect(error.provider).toEqual({ name: 'ozonetel', message: 'Invalid action.' });
  });

  it('marks "Token Expired" as a token refusal for the adapter to act on', () => {
    const result = failure('{"status":"false","message":"Token Expired"}');
    expect(result.result).toMatchObject({ code: 'provider_auth_failed', refreshToken: true });
  });

  it('marks any HTTP 401 as a token refusal, whatever the body', () => {
    for (const body of ['{"status":"false","message":"Invalid User Details"}', 'Unauthorized', '']) {
      const result = failure(body, 401);
      expect(result.result).toMatchObject({ code: 'provider_auth_failed', refreshToken: true });
      expect(ozonetelError(result, []).provider?.code).toBe('401');
    }
  });

  it.each([
    ['"Max limit exceeded" with HTTP 200', '{"status":"Error","message":"Max limit exceeded"}', 200],
    ['HTTP 429 with the over-limit body', '{"status":"Error","message":"Max limit exceeded"}', 429],
    ['HTTP 429 with an HTML body', '<html>Too Many Requests</html>', 429],
  ])('maps %s to provider_rate_limited, not processed', (_case, body, status) => {
    const error = errorFor(body, status);
    expect(error.code).toBe('provider_rate_limited');
    expect(error.notProcessed).toBe(true);
    expect(error.transient).toBe(true);
  });

  it('passes the vendor Retry-After on (seconds or HTTP date)', () => {
    expect(failure('', 429, { 'retry-after': '17' }).retryAfterSeconds).toBe(17);
    const now = Date.parse('2026-01-01T00:00:00Z');
    const dated = interpretOzonetelResponse(
      'deleteCampaignData',
      response('', 429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }),
      () => now,
    );
    expect(dated.kind === 'failure' && dated.retryAfterSeconds).toBe(30);
    expect(failure('', 429).retryAfterSeconds).toBeUndefined();
  });

  it.each([500, 502, 503, 504])('maps HTTP %i without a known message to provider_unavailable', (status) => {
    const error = errorFor('<html><body>Bad Gateway</body></html>', status);
    expect(error.code).toBe('provider_unavailable');
    expect(error.transient).toBe(true);
    expect(error.notProcessed).toBe(false);
    expect(error.provider).toEqual({
      name: 'ozonetel',
      code: String(status),
      message: expect.stringContaining('Bad Gateway'),
    });
  });

  it('maps an HTML page with HTTP 200 to provider_error', () => {
    const error = errorFor('<!DOCTYPE html><html><body>Login</body></html>');
    expect(error.code).toBe('provider_error');
    expect(error.provider?.message).toContain('<!DOCTYPE html>');
  });

  it('keeps the raw message of an unknown failure', () => {
    const error = errorFor('{"status":"failure","message":"Campaign is locked by another job"}');
    expect(error.code).toBe('provider_error');
    expect(error.provider).toEqual({ name: 'ozonetel', message: 'Campaign is locked by another job' });
  });

  it('maps a JSON object with neither status nor message to provider_error', () => {
    const error = errorFor('{"data": {"count": 1}}');
    expect(error.code).toBe('provider_error');
    expect(error.provider?.message).toBe('{"data": {"count": 1}}');
  });

  it('maps an unknown status with an unknown message to provider_error', () => {
    expect(errorFor('{"status":"queued","message":"later"}').code).toBe('provider_error');
  });

  it('does not call a success status a success on a non-2xx answer', () => {
    expect(errorFor('{"status":"Success","message":"Deleted Successfully"}', 404).code).toBe(
      'provider_error',
    );
  });

  it('blanks secrets a vendor message may echo', () => {
    const result = failure('{"status":"false","message":"Invalid User Details for key KEY-123456"}');
    const error = ozonetelError(result, ['KEY-123456']);
    expect(error.provider?.message).toBe('Invalid User Details for key [redacted]');
    expect(JSON.stringify(error)).not.toContain('KEY-123456');
    // A secret that merely contains the text does not blank it.
    expect(
      ozonetelError(failure('{"status":"false","message":"abcd"}'), ['abcd'.repeat(2)]).provider?.message,
    ).toBe('abcd');
  });
});

describe('Ozonetel answers to generateToken', () => {
  it('reads the token', () => {
    const result = interpretOzonetelResponse('generateToken', response('{"token": "t-1", "message": ""}'));
    expect(result).toEqual({ kind: 'success', answer: { verdict: 'unknown', token: 't-1' } });
  });

  it('does not read "No Record Found" as a contact outcome', () => {
    const result = interpretOzonetelResponse(
      'generateToken',
      response('{"status":"Error","message":"No Record Found"}'),
    );
    expect(result.kind === 'failure' && result.result.code).toBe('provider_error');
  });

  it('maps a 2xx answer without a token to provider_error', () => {
    const result = interpretOzonetelResponse('generateToken', response('{"token": "", "message": ""}'));
    expect(result.kind === 'failure' && result.result.code).toBe('provider_error');
  });

  it('maps refused credentials to provider_auth_failed', () => {
    const result = interpretOzonetelResponse(
      'generateToken',
      response('{"status": "false","message": "Invalid User Details","data": null}'),
    );
    expect(result.kind === 'failure' && result.result.code).toBe('provider_auth_failed');
  });
});

describe('the error table', () => {
  it('compares messages trimmed, case-insensitively and without a trailing period', () => {
    expect(normalizeOzonetelMessage('  Invalid Action. ')).toBe('invalid action');
    expect(normalizeOzonetelMessage('API KEY should not be null or empty')).toBe(
      normalizeOzonetelMessage('Api Key Should Not be Null or Empty.'),
    );
    expect(findOzonetelRule('deleteCampaignData', 200, 'passed CAMPAIGN are invalid.')?.result).toMatchObject(
      {
        code: 'campaign_not_found',
      },
    );
    expect(findOzonetelRule('deleteCampaignData', 200, 'Something else')).toBeUndefined();
  });

  it('lets HTTP 401 and 429 win over the body, and a known message win over a 5xx', () => {
    expect(findOzonetelRule('deleteCampaignData', 429, 'Passed campaign are invalid')?.result).toMatchObject({
      code: 'provider_rate_limited',
    });
    expect(findOzonetelRule('deleteCampaignData', 401, 'Max limit exceeded')?.result).toMatchObject({
      code: 'provider_auth_failed',
    });
    expect(findOzonetelRule('deleteCampaignData', 500, 'Passed campaign are invalid')?.result).toMatchObject({
      code: 'campaign_not_found',
    });
  });

  it('gives every error row a detail that names no secret and quotes no vendor message', () => {
    for (const rule of OZONETEL_ERROR_TABLE) {
      if (isOutcome(rule.result)) continue;
      expect(rule.result.detail.length).toBeGreaterThan(10);
      if (rule.message) expect(rule.result.detail.toLowerCase()).not.toContain(rule.message.toLowerCase());
    }
  });
});
