import { OZONETEL_DESCRIPTOR } from './descriptor';

describe('OZONETEL_DESCRIPTOR', () => {
  it('offers the contacts delete only, with the phone number and contact name fields', () => {
    expect(OZONETEL_DESCRIPTOR.name).toBe('ozonetel');
    expect(OZONETEL_DESCRIPTOR.capabilities).toEqual(['contacts.delete']);
    expect(OZONETEL_DESCRIPTOR.contactDeleteFields).toEqual(['phoneNumbers', 'contactName']);
    expect(OZONETEL_DESCRIPTOR.defaultRateLimit).toEqual({ limit: 100, windowMs: 60_000 });
  });

  it('publishes its limits as plain JSON', () => {
    const limits = JSON.parse(JSON.stringify(OZONETEL_DESCRIPTOR.limits));
    expect(limits).toMatchObject({
      rateLimit: { limit: 100, windowMs: 60_000 },
      numbersPerCall: 1,
      phoneNumber: '3..16 digits, optional leading +',
      tokenGenerationsPerHour: 10,
    });
  });

  it.each(['+919812345678', '919812345678', '123', '+1234567890123456'])('accepts the number %s', (n) => {
    expect(OZONETEL_DESCRIPTOR.checkPhoneNumber(n)).toBeUndefined();
  });

  it.each(['12', '+12', '12345678901234567', '++123', '123*', '12 34', '', '9198x', '123+'])(
    'refuses the number %j',
    (n) => {
      expect(OZONETEL_DESCRIPTOR.checkPhoneNumber(n)).toEqual(expect.any(String));
    },
  );

  it.each(['Outbound Sales', 'c', 'Q3 renewals – Pune', 'x'.repeat(255), '日本'.repeat(127)])(
    'accepts the campaign name %j',
    (name) => {
      expect(OZONETEL_DESCRIPTOR.checkCampaignId(name)).toBeUndefined();
    },
  );

  it.each(['', 'x'.repeat(256), 'tab\there', 'line\nbreak', 'nul\u0000', '\u0085next', '   '])(
    'refuses the campaign name %j',
    (name) => {
      expect(OZONETEL_DESCRIPTOR.checkCampaignId(name)).toEqual(expect.any(String));
    },
  );

  it('has no callbacks, so no callback id is ever valid', () => {
    expect(OZONETEL_DESCRIPTOR.checkCallbackId('123')).toEqual(expect.any(String));
  });
});
