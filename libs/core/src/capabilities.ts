/** What a provider account can be asked to do; the names are part of the public contract. */
export const CAPABILITIES = [
  'campaigns.delete',
  'campaigns.pause',
  'campaigns.resume',
  'contacts.delete',
  'contacts.delete.byFilter',
  'callbacks.create',
  'callbacks.cancel',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export function isCapability(value: unknown): value is Capability {
  return typeof value === 'string' && (CAPABILITIES as readonly string[]).includes(value);
}
