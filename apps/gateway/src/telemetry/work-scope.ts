import { AsyncLocalStorage } from 'node:async_hooks';

/** The bulk work a vendor call is made for, for its log lines (a request's lines have the request id). */
export interface WorkScope {
  operationId: string;
  chunkIndex: number;
}

const scopes = new AsyncLocalStorage<WorkScope>();

/** Runs `work` with its vendor calls known to belong to this chunk of this operation. */
export function inWorkScope<T>(scope: WorkScope, work: () => T): T {
  return scopes.run(scope, work);
}

/** The chunk the current call belongs to, if it belongs to one. */
export function currentWorkScope(): WorkScope | undefined {
  return scopes.getStore();
}
