import type { Logger } from 'pino';
import { Client, ConfigError, GatewayConfig } from '@app/config';
import { ClientKeys } from './client-keys';

/**
 * Reloads the clients (their keys and grants) from the configuration file, with the validation of
 * the start: a file that would not start the gateway is refused, logged with the field named, and the
 * clients in force stay. Accounts are not reloaded (their vendor clients, budgets and TLS contexts are
 * built at start), so a client granted an account this process does not run is refused too.
 */
export function reloadClients(
  keys: ClientKeys,
  load: () => GatewayConfig,
  runningAccountIds: ReadonlySet<string>,
  log: Pick<Logger, 'info' | 'error'>,
): boolean {
  let clients: Client[];
  try {
    clients = load().clients;
    clients.forEach((client, c) =>
      client.grants.forEach((grant, g) => {
        if (grant.accountId !== '*' && !runningAccountIds.has(grant.accountId)) {
          throw new ConfigError(
            `clients[${c}].accounts[${g}].id`,
            `names the account "${grant.accountId}", which this process does not run (accounts change only with a restart)`,
          );
        }
      }),
    );
  } catch (error) {
    const field = error instanceof ConfigError ? error.field : undefined;
    log.error(
      { field, reload: 'refused', ...keys.size },
      `Client reload refused, the clients in force stay: ${(error as Error).message}`,
    );
    return false;
  }
  keys.replace(clients);
  log.info({ reload: 'applied', ...keys.size }, 'Clients reloaded from the configuration file');
  return true;
}

/** Reloads the clients on every SIGHUP; returns what removes the handler. */
export function reloadClientsOnSighup(...args: Parameters<typeof reloadClients>): () => void {
  const handler = () => void reloadClients(...args);
  process.on('SIGHUP', handler);
  return () => process.off('SIGHUP', handler);
}
