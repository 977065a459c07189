import { CAPABILITIES, ProviderAdapter } from '@app/core';
import { CAPABILITY_METHODS, describeMissingMethods, missingCapabilityMethods } from './capability-methods';

describe('capability methods', () => {
  it('names a distinct adapter method for every capability', () => {
    expect(Object.keys(CAPABILITY_METHODS).sort()).toEqual([...CAPABILITIES].sort());
    expect(new Set(Object.values(CAPABILITY_METHODS)).size).toBe(CAPABILITIES.length);
  });

  it('finds each listed capability whose method the adapter lacks', () => {
    const adapter: Partial<ProviderAdapter> = { pauseCampaign: async () => undefined };
    const missing = missingCapabilityMethods(adapter, {
      capabilities: ['campaigns.pause', 'campaigns.resume', 'contacts.delete'],
    });
    expect(missing).toEqual([
      { capability: 'campaigns.resume', method: 'resumeCampaign' },
      { capability: 'contacts.delete', method: 'deleteContact' },
    ]);
    expect(describeMissingMethods('acme', missing)).toBe(
      'lists capabilities its acme adapter has no method for: campaigns.resume (resumeCampaign), contacts.delete (deleteContact)',
    );
  });

  it('finds methods on the prototype, and nothing missing says nothing', () => {
    class Adapter {
      async pauseCampaign(): Promise<void> {}
    }
    const missing = missingCapabilityMethods(new Adapter(), { capabilities: ['campaigns.pause'] });
    expect(missing).toEqual([]);
    expect(describeMissingMethods('acme', missing)).toBeUndefined();
  });
});
