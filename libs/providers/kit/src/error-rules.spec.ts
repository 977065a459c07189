import { findVendorErrorRule, normalizeVendorMessage, renderDetail, VendorErrorRule } from './error-rules';

type Call = 'pause' | 'resume';

const rule = (name: string, conditions: Omit<VendorErrorRule<Call, string>, 'result'>) => ({
  ...conditions,
  result: name,
});

const TABLE: readonly VendorErrorRule<Call, string>[] = [
  rule('unauthorised', { httpStatus: [401, 401] }),
  rule('pause code', { vendorCode: '0200011', calls: ['pause'] }),
  rule('resume code', { vendorCode: '0200011', calls: ['resume'] }),
  rule('expired', { message: 'Token Expired.' }),
  rule('too many', { messageContains: ['max', '100'], calls: ['resume'] }),
  rule('server', { httpStatus: [500, 599] }),
];

const find = (facts: Parameters<typeof findVendorErrorRule<Call, string>>[1]) =>
  findVendorErrorRule(TABLE, facts)?.result;

describe('vendor error rules', () => {
  it('matches HTTP statuses as rules, by inclusive range', () => {
    expect(find({ httpStatus: 401 })).toBe('unauthorised');
    expect(find({ httpStatus: 500 })).toBe('server');
    expect(find({ httpStatus: 599 })).toBe('server');
    expect(find({ httpStatus: 600 })).toBeUndefined();
    expect(find({})).toBeUndefined();
  });

  it('reads the table top down: the first match wins', () => {
    expect(find({ httpStatus: 401, message: 'token expired' })).toBe('unauthorised');
    expect(find({ httpStatus: 503, message: 'token expired' })).toBe('expired');
  });

  it('limits a row to its calls; a row with calls never matches an unnamed call', () => {
    expect(find({ call: 'pause', vendorCode: '0200011' })).toBe('pause code');
    expect(find({ call: 'resume', vendorCode: '0200011' })).toBe('resume code');
    expect(find({ vendorCode: '0200011' })).toBeUndefined();
  });

  it('compares vendor codes exactly: leading zeros count', () => {
    expect(find({ call: 'pause', vendorCode: '200011' })).toBeUndefined();
  });

  it('compares messages normalised, and substrings for unpublished wording', () => {
    expect(find({ message: '  TOKEN   expired...' })).toBe('expired');
    expect(find({ message: 'Token expired now' })).toBeUndefined();
    expect(find({ call: 'resume', message: 'Only MAX 100 numbers' })).toBe('too many');
    expect(find({ call: 'pause', message: 'Only MAX 100 numbers' })).toBeUndefined();
    expect(find({ call: 'resume' })).toBeUndefined();
  });

  it('normalises in linear time, even on a long run of periods', () => {
    const hostile = `${'.'.repeat(200_000)}x`;
    const started = Date.now();
    expect(normalizeVendorMessage(hostile)).toBe(hostile);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(normalizeVendorMessage(' A \n b. ')).toBe('a b');
  });

  it('renders placeholders, with ? for a missing value', () => {
    expect(renderDetail('Number {phoneNumber} of {campaignId}', { phoneNumber: '1', campaignId: '2' })).toBe(
      'Number 1 of 2',
    );
    expect(renderDetail('Callback {callbackId}', {})).toBe('Callback ?');
  });
});
