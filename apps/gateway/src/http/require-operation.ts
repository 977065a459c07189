import { GatewayError, ProviderAdapter } from '@app/core';

type OperationName = Exclude<keyof ProviderAdapter, 'descriptor' | 'accountId' | 'close'>;

/**
 * The adapter's method for an operation whose capability was already checked. A descriptor that lists
 * a capability its adapter lacks is a programming error, reported as such rather than as a vendor fault.
 */
export function requireOperation<K extends OperationName>(
  adapter: ProviderAdapter,
  name: K,
): NonNullable<ProviderAdapter[K]> {
  const method = adapter[name];
  if (typeof method !== 'function') {
    throw new GatewayError('internal_error', `The ${adapter.descriptor.name} adapter lacks ${String(name)}`);
  }
  return (method as (...args: unknown[]) => unknown).bind(adapter) as NonNullable<ProviderAdapter[K]>;
}
