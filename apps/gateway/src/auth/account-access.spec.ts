import { GatewayError } from '@app/core';
import { AccountAccess } from './account-access';
import { registryOf, testAccount as account, testClient as client } from './testing/accounts';

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

describe('AccountAccess', () => {
  const full = account('cn', ['campaigns.pause', 'campaigns.resume', 'contacts.delete']);
  const other = account('in', ['campaigns.pause', 'contacts.delete']);
  const access = new AccountAccess(registryOf(full, other));

  describe('a "*" grant', () => {
    it('sees every account with every capability its provider has', () => {
      const c = client({ accountId: '*' });
      expect(access.visibleTo(c).map((v) => [v.account.id, v.capabilities])).toEqual([
        ['cn', ['campaigns.pause', 'campaigns.resume', 'contacts.delete']],
        ['in', ['campaigns.pause', 'contacts.delete']],
      ]);
      expect(access.resolve(c, 'in', 'contacts.delete')).toBe(other);
    });

    it('with capabilities, limits every account to them', () => {
      const c = client({ accountId: '*', capabilities: ['campaigns.pause'] });
      expect(access.visibleTo(c).map((v) => v.capabilities)).toEqual([
        ['campaigns.pause'],
        ['campaigns.pause'],
      ]);
      expect(errorOf(() => access.resolve(c, 'cn', 'contacts.delete')).code).toBe('forbidden');
    });
  });

  describe('a grant naming the account', () => {
    it('wins over "*", so a wildcard cannot widen a narrowed account', () => {
      const c = client({ accountId: '*' }, { accountId: 'cn', capabilities: ['campaigns.pause'] });
      expect(access.resolve(c, 'cn', 'campaigns.pause')).toBe(full);
      const error = errorOf(() => access.resolve(c, 'cn', 'campaigns.resume'));
      expect(error.code).toBe('forbidden');
      expect(error.status).toBe(403);
      expect(access.visibleTo(c).map((v) => [v.account.id, v.capabilities])).toEqual([
        ['cn', ['campaigns.pause']],
        ['in', ['campaigns.pause', 'contacts.delete']],
      ]);
      // The other account still comes through the wildcard, in full.
      expect(access.resolve(c, 'in', 'contacts.delete')).toBe(other);
    });

    it('wins over "*" whichever comes first in the list', () => {
      const c = client({ accountId: 'cn', capabilities: ['campaigns.pause'] }, { accountId: '*' });
      expect(errorOf(() => access.resolve(c, 'cn', 'campaigns.resume')).code).toBe('forbidden');
    });

    it('also widens what a narrow "*" allows on that account', () => {
      const c = client({ accountId: '*', capabilities: ['campaigns.pause'] }, { accountId: 'cn' });
      expect(access.resolve(c, 'cn', 'contacts.delete')).toBe(full);
      expect(errorOf(() => access.resolve(c, 'in', 'contacts.delete')).code).toBe('forbidden');
    });

    it('without capabilities allows all the provider has; with an empty list, nothing', () => {
      expect(access.resolve(client({ accountId: 'cn' }), 'cn', 'campaigns.resume')).toBe(full);
      const none = client({ accountId: 'cn', capabilities: [] });
      expect(access.visibleTo(none).map((v) => [v.account.id, v.capabilities])).toEqual([['cn', []]]);
      expect(errorOf(() => access.resolve(none, 'cn', 'campaigns.pause')).code).toBe('forbidden');
    });
  });

  describe('404 and 403', () => {
    it('an account without any grant is not found (404), the same as one that does not exist', () => {
      const c = client({ accountId: 'cn' });
      const hidden = errorOf(() => access.resolve(c, 'in', 'campaigns.pause'));
      const missing = errorOf(() => access.resolve(c, 'nope', 'campaigns.pause'));
      expect(hidden.code).toBe('account_not_found');
      expect(hidden.status).toBe(404);
      expect(missing.code).toBe('account_not_found');
      // Nothing tells a hidden account from a missing one but the id echoed back.
      expect(hidden.detail.replace('"in"', '"X"')).toBe(missing.detail.replace('"nope"', '"X"'));
      expect(access.canSee(c, 'in')).toBe(false);
      expect(access.canSee(c, 'cn')).toBe(true);
      expect(access.visibleTo(c).map((v) => v.account.id)).toEqual(['cn']);
    });

    it('a "*" grant does not make an unconfigured account visible', () => {
      const c = client({ accountId: '*' });
      expect(access.canSee(c, 'nope')).toBe(false);
      expect(errorOf(() => access.resolve(c, 'nope', 'campaigns.pause')).code).toBe('account_not_found');
    });

    it('a capability the grant leaves out is forbidden (403)', () => {
      const c = client({ accountId: 'in', capabilities: ['campaigns.pause'] });
      const error = errorOf(() => access.resolve(c, 'in', 'contacts.delete'));
      expect(error.code).toBe('forbidden');
      expect(error.status).toBe(403);
    });

    it('a capability the provider lacks is operation_not_supported, whatever the grant says', () => {
      const c = client({ accountId: 'in', capabilities: ['campaigns.resume'] });
      const error = errorOf(() => access.resolve(c, 'in', 'campaigns.resume'));
      expect(error.code).toBe('operation_not_supported');
      expect(error.provider).toEqual({ name: 'isales' });
    });

    it('require checks a second capability on an account already resolved', () => {
      const c = client({ accountId: 'cn', capabilities: ['contacts.delete'] });
      const resolved = access.resolve(c, 'cn', 'contacts.delete');
      expect(() => access.require(c, resolved, 'contacts.delete')).not.toThrow();
      expect(errorOf(() => access.require(c, resolved, 'campaigns.pause')).code).toBe('forbidden');
      expect(errorOf(() => access.require(client(), resolved, 'contacts.delete')).code).toBe('forbidden');
    });
  });
});
