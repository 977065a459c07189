import { ERROR_CATALOGUE, ErrorCode } from '@app/core';
import {
  findIsalesErrorRow,
  ISALES_ERROR_TABLE,
  ISALES_OPERATIONS,
  IsalesOperation,
  isalesRedactor,
  isalesVendorError,
  OPERATION_SUBJECT,
  vendorMessage,
} from './errors';

const ALL = ISALES_OPERATIONS;
const CAMPAIGN_OPS = ALL.filter((op) => op !== 'cancelCallback');
const PARAMETER_CODES = Array.from({ length: 11 }, (_, i) => `020000${String(i + 1).padStart(2, '0')}`);

/** The contract (docs/api.md and the brief), written out independently of the table. */
const EXPECTED: [vendorCode: string, operations: readonly IsalesOperation[], code: ErrorCode][] = [
  ['0200001', ALL, 'provider_rejected'],
  ['0200030', ALL, 'provider_rejected'],
  ...PARAMETER_CODES.map((c): [string, readonly IsalesOperation[], ErrorCode] => [
    c,
    ALL,
    'provider_rejected',
  ]),
  ['04000002', ['createCallback', 'deleteContact'], 'provider_rejected'],
  ['0200006', ALL, 'provider_error'],
  ['0200007', CAMPAIGN_OPS, 'campaign_not_found'],
  ['0200009', CAMPAIGN_OPS, 'campaign_running'],
  ['0200011', CAMPAIGN_OPS, 'campaign_state_conflict'],
  ['0200028', ['deleteContact', 'deleteContactsByFilter'], 'contact_not_deletable'],
  ['04000001', ['createCallback'], 'invalid_schedule'],
  ['04000003', ['createCallback'], 'phone_number_blocked'],
  ['04000004', ['cancelCallback'], 'callback_not_found'],
  ['04000005', ['cancelCallback'], 'callback_in_progress'],
];

/** The rows keyed by a result code (the HTTP rows are proved by the response parser's spec). */
const CODE_ROWS = ISALES_ERROR_TABLE.filter((r) => r.vendorCode !== undefined);

const SUBJECT = {
  campaignId: '1001',
  phoneNumber: '66660001',
  scheduledAt: '2026-12-01T10:30:00+05:30',
  callbackId: '42',
};

describe('iSales error table', () => {
  it.each(EXPECTED.flatMap(([vendorCode, ops, code]) => ops.map((op) => [vendorCode, op, code] as const)))(
    '%s on %s is %s',
    (vendorCode, op, code) => {
      const error = isalesVendorError(op, vendorCode, 'vendor says no', SUBJECT);
      expect(error.code).toBe(code);
      expect(error.provider).toEqual({ name: 'isales', code: vendorCode, message: 'vendor says no' });
      expect(error.detail).not.toMatch(/[{}?]/);
      // Only a database failure may pass on a later attempt, and never for a create (not idempotent).
      expect(error.transient).toBe(vendorCode === '0200006' && op !== 'createCallback');
    },
  );

  it('lists nothing the contract does not', () => {
    const expectedPairs = new Set(EXPECTED.flatMap(([c, ops]) => ops.map((op) => `${c}/${op}`)));
    const tablePairs = CODE_ROWS.flatMap((r) => (r.calls ?? []).map((op) => `${r.vendorCode}/${op}`));
    expect(new Set(tablePairs)).toEqual(expectedPairs);
    // One row per (code, operation): the lookup must never depend on row order.
    expect(tablePairs.length).toBe(new Set(tablePairs).size);
  });

  it('only names, in a detail, what the operation always knows', () => {
    for (const row of CODE_ROWS) {
      const names = [...row.result.detail.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of row.calls ?? []) {
        for (const name of names) {
          const known = (OPERATION_SUBJECT[op] as readonly string[]).includes(name);
          expect({ vendorCode: row.vendorCode, op, name, known }).toEqual({
            vendorCode: row.vendorCode,
            op,
            name,
            known: true,
          });
        }
      }
    }
  });

  it('uses catalogue codes only', () => {
    for (const row of ISALES_ERROR_TABLE) expect(Object.keys(ERROR_CATALOGUE)).toContain(row.result.code);
  });

  it('says which campaign, number or callback it was, in neutral words', () => {
    expect(isalesVendorError('deleteCampaign', '0200007', undefined, { campaignId: '1001' }).detail).toBe(
      'Campaign 1001 does not exist',
    );
    expect(isalesVendorError('pauseCampaign', '0200011', undefined, { campaignId: '9' }).detail).toMatch(
      /^Campaign 9 cannot be paused/,
    );
    expect(isalesVendorError('resumeCampaign', '0200011', undefined, { campaignId: '9' }).detail).toMatch(
      /^Campaign 9 cannot be resumed/,
    );
    expect(isalesVendorError('cancelCallback', '04000005', undefined, { callbackId: '42' }).detail).toMatch(
      /^Callback 42 is being dialled/,
    );
    const running = isalesVendorError('deleteCampaign', '0200009', undefined, { campaignId: '5' });
    expect(running.status).toBe(409);
    expect(running.provider).toEqual({ name: 'isales', code: '0200009' });
  });

  it('maps unknown codes, and known codes on an operation they do not belong to, to provider_error', () => {
    for (const [op, vendorCode] of [
      ['deleteCampaign', '0299999'],
      ['cancelCallback', '0200007'],
      ['deleteCampaign', '04000004'],
    ] as const) {
      expect(findIsalesErrorRow(op, vendorCode)).toBeUndefined();
      const error = isalesVendorError(op, vendorCode, 'odd', SUBJECT);
      expect(error.code).toBe('provider_error');
      expect(error.status).toBe(502);
      expect(error.provider).toEqual({ name: 'isales', code: vendorCode, message: 'odd' });
    }
  });

  it('keeps leading zeros: 200007 is not 0200007', () => {
    expect(findIsalesErrorRow('deleteCampaign', '200007')).toBeUndefined();
  });
});

describe('vendor text hygiene', () => {
  const redact = isalesRedactor(['AK-LEAK', 'SK-LEAK-SECRET']);

  it('removes keys and Authorization values from vendor descriptions', () => {
    const text = 'bad sign auth-v2/AK-LEAK/2026-01-02T03:04:05Z/host/abcd for SK-LEAK-SECRET and AK-LEAK';
    const cleaned = redact(text);
    expect(cleaned).not.toMatch(/AK-LEAK|SK-LEAK|abcd/);
    expect(cleaned).toContain('[redacted]');
  });

  it('bounds the description and ignores non-text', () => {
    expect(vendorMessage('x'.repeat(1000), redact)?.length).toBeLessThanOrEqual(301);
    expect(vendorMessage(42, redact)).toBeUndefined();
    expect(vendorMessage('   ', redact)).toBeUndefined();
  });
});
