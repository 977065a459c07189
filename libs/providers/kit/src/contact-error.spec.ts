import { GatewayError } from '@app/core';
import { toContactError } from './contact-error';

describe('toContactError', () => {
  it('keeps the code, detail and vendor facts of the error', () => {
    const error = new GatewayError('contact_not_deletable', 'Number 1 cannot be deleted now', {
      provider: { name: 'isales', code: '0200028', message: 'busy' },
    });
    expect(toContactError(error)).toEqual({
      code: 'contact_not_deletable',
      detail: 'Number 1 cannot be deleted now',
      provider: { name: 'isales', code: '0200028', message: 'busy' },
    });
  });

  it('has no provider field when the error names no vendor', () => {
    expect(toContactError(new GatewayError('provider_error', 'odd'))).toEqual({
      code: 'provider_error',
      detail: 'odd',
    });
  });
});
