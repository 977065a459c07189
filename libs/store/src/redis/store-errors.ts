import { GatewayError } from '@app/core';

/**
 * The one error a caller sees when the store fails: without it the guards (rate limit, idempotency,
 * token single-flight) cannot run, so no vendor call was made and a retry later is safe.
 */
export function storeUnavailable(cause: unknown): GatewayError {
  return new GatewayError('store_unavailable', 'The gateway store cannot be reached; nothing was sent', {
    transient: true,
    cause,
  });
}

/**
 * Runs one store command and turns any failure of it (connection refused or closed, command timeout,
 * offline client, or an error reply) into `store_unavailable`, keeping the original as `cause` for the
 * logs. A GatewayError raised on purpose inside `command` passes through as it is.
 */
export async function storeCall<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw storeUnavailable(error);
  }
}
