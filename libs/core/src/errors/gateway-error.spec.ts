import { boundVendorMessage, GatewayError, MAX_VENDOR_MESSAGE_LENGTH } from './gateway-error';

describe('vendor messages in errors', () => {
  it('keeps at most 300 characters of what a vendor said, marking the cut', () => {
    expect(MAX_VENDOR_MESSAGE_LENGTH).toBe(300);
    const error = new GatewayError('provider_error', 'd', {
      provider: { name: 'ozonetel', message: 'm'.repeat(5000) },
    });
    expect(error.provider).toEqual({ name: 'ozonetel', message: `${'m'.repeat(300)}…` });
    expect(boundVendorMessage('short')).toBe('short');
    expect(boundVendorMessage('x'.repeat(300))).toBe('x'.repeat(300));
  });

  it('never cuts a surrogate pair in half', () => {
    const bounded = boundVendorMessage(`${'a'.repeat(299)}${'📞'.repeat(10)}`);
    expect(bounded).toBe(`${'a'.repeat(299)}…`);
    expect(bounded).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('leaves a provider without a message alone', () => {
    expect(
      new GatewayError('provider_error', 'd', { provider: { name: 'isales', code: '1' } }).provider,
    ).toEqual({
      name: 'isales',
      code: '1',
    });
  });
});
