import { Capability, ProviderAdapter, ProviderDescriptor } from '@app/core';

/** The adapter method that carries out each capability. */
export const CAPABILITY_METHODS = {
  'campaigns.delete': 'deleteCampaign',
  'campaigns.pause': 'pauseCampaign',
  'campaigns.resume': 'resumeCampaign',
  'contacts.delete': 'deleteContact',
  'contacts.delete.byFilter': 'deleteContactsByFilter',
  'callbacks.create': 'createCallback',
  'callbacks.cancel': 'cancelCallback',
} as const satisfies Record<Capability, keyof ProviderAdapter>;

export type CapabilityMethod = (typeof CAPABILITY_METHODS)[Capability];

export interface MissingMethod {
  capability: Capability;
  method: CapabilityMethod;
}

/**
 * The capabilities a descriptor lists whose method the adapter lacks (not a function). Checked when
 * accounts are built, so such a provider stops the start instead of failing a request later.
 */
export function missingCapabilityMethods(
  adapter: Pick<ProviderAdapter, CapabilityMethod>,
  descriptor: Pick<ProviderDescriptor, 'capabilities'>,
): MissingMethod[] {
  return descriptor.capabilities
    .map((capability) => ({ capability, method: CAPABILITY_METHODS[capability] }))
    .filter(({ method }) => typeof adapter[method] !== 'function');
}

/** One sentence naming each missing method, or undefined when nothing is missing. */
export function describeMissingMethods(
  providerName: string,
  missing: readonly MissingMethod[],
): string | undefined {
  if (missing.length === 0) return undefined;
  const list = missing.map(({ capability, method }) => `${capability} (${method})`).join(', ');
  return `lists capabilities its ${providerName} adapter has no method for: ${list}`;
}
