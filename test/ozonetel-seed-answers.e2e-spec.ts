import { expectProblem, useHarness } from './support/harness';

/**
 * Every answer on Ozonetel's deleteCampaignData page, and the quirks vendors.md lists, replayed by the
 * sandbox word for word through the real gateway path. Most of them a well-behaved gateway never
 * provokes (it always sends the apiKey, the userName, one number), so the sandbox is told to answer
 * them. Rows the page prints in quotes are JSON inside a JSON string: sent double-encoded, and also
 * exactly as the page prints them.
 */
const quoted = (json: string) => JSON.stringify(json);

const SEED_ANSWERS: [
  name: string,
  status: number,
  body: string,
  expected: { status: number; code?: string; outcome?: string },
][] = [
  [
    'Success response',
    200,
    '{"status": "Success","message": "Deleted Successfully"}',
    { status: 200, outcome: 'deleted' },
  ],
  [
    'apiKey missing (double-encoded)',
    200,
    quoted('{"status": "false","message": "Api Key Should Not be Null or Empty.", "data": null}'),
    { status: 502, code: 'provider_auth_failed' },
  ],
  [
    'apiKey missing (as the page prints it)',
    200,
    '""{""status"": ""false"",""message"": ""Api Key Should Not be Null or Empty."", ""data"": null}"',
    { status: 502, code: 'provider_auth_failed' },
  ],
  [
    'apiKey wrong',
    200,
    '{"status": "false","message": "Invalid User Details","data": null}',
    { status: 502, code: 'provider_auth_failed' },
  ],
  [
    'userName missing (double-encoded)',
    200,
    quoted('{"status": "false","message": "Username Should Not be Null or Empty.", "data": null}'),
    { status: 502, code: 'provider_auth_failed' },
  ],
  [
    'userName missing (as the page prints it)',
    200,
    '"{""status"": ""false"",""message"": ""Username Should Not be Null or Empty."", ""data"": null}"',
    { status: 502, code: 'provider_auth_failed' },
  ],
  [
    'campaignName missing',
    200,
    '{"status": "Error","message": "Campaign should not be null are empty"}',
    { status: 422, code: 'provider_rejected' },
  ],
  [
    'campaignName wrong (double-encoded)',
    200,
    quoted('{"status": "Error", "message": "Passed campaign are invalid"}'),
    { status: 404, code: 'campaign_not_found' },
  ],
  [
    'campaignName wrong (as the page prints it)',
    200,
    '"{""status"": ""Error"", ""message"": ""Passed campaign are invalid""}"',
    { status: 404, code: 'campaign_not_found' },
  ],
  [
    'phoneNumber missing',
    200,
    '{"status": "Error","message": "PhoneNumber should not be null are empty"}',
    { status: 422, code: 'provider_rejected' },
  ],
  [
    'phoneNumber not in the campaign',
    200,
    '{"status": "Error","message": "No Record Found"}',
    { status: 200, outcome: 'not_found' },
  ],
  [
    'several numbers in one request',
    200,
    '{"status": "false","message": "Invalid Json Pass Valid Json", "data": null}',
    { status: 422, code: 'provider_rejected' },
  ],
  // Quirks a client must survive.
  [
    'status in capitals',
    200,
    '{"status": "SUCCESS","message": "Deleted Successfully"}',
    { status: 200, outcome: 'deleted' },
  ],
  [
    'message as details',
    200,
    '{"status": "error","details": "No Record Found"}',
    { status: 200, outcome: 'not_found' },
  ],
  [
    '"FAIL" with an unknown message',
    200,
    '{"status": "FAIL","message": "Something new"}',
    { status: 502, code: 'provider_error' },
  ],
  [
    'HTTP 401',
    401,
    '{"status": "false","message": "Unauthorized"}',
    { status: 502, code: 'provider_auth_failed' },
  ],
  [
    'an HTML error page',
    200,
    '<html><body>Bad gateway</body></html>',
    { status: 502, code: 'provider_error' },
  ],
  ['an empty body', 200, '', { status: 502, code: 'provider_error' }],
  [
    'HTTP 503',
    503,
    '{"status": "Error","message": "Service Unavailable"}',
    { status: 503, code: 'provider_unavailable' },
  ],
];

describe("Ozonetel's documented answers through the gateway", () => {
  const h = useHarness();

  it.each(SEED_ANSWERS)('%s', async (_name, status, body, expected) => {
    await h().sandbox.ozonetel.post('/__sandbox/faults', {
      body: { kind: 'answer', status, body, path: 'deleteCampaignData' },
    });
    const answer = await h().admin.post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
      body: { phoneNumbers: ['9812345601'] },
    });
    if (expected.outcome) {
      expect(answer.status).toBe(200);
      expect(answer.body.results).toEqual([{ phoneNumber: '9812345601', outcome: expected.outcome }]);
    } else {
      expectProblem(answer, expected.status, expected.code!);
      expect(answer.body.provider.name).toBe('ozonetel');
      expect(answer.text).not.toContain('sandbox-ozonetel-key');
    }
  });

  it('treats "Max limit exceeded" as the vendor refusing for its budget: 429, and the account waits', async () => {
    await h().sandbox.ozonetel.post('/__sandbox/faults', {
      body: {
        kind: 'answer',
        status: 200,
        body: '{"status":"Error","message":"Max limit exceeded"}',
        path: 'deleteCampaignData',
      },
    });
    const answer = await h().admin.post('/v1/accounts/in-ozonetel/campaigns/Renewals_Q4/contacts/delete', {
      body: { phoneNumbers: ['9812345601'] },
    });
    expectProblem(answer, 429, 'provider_rate_limited');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  });
});
