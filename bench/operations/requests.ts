import type { ApiClient } from '../../test/support/http';
import { deletePath, Target } from './configs';

/** The operation as `POST .../contacts/delete` (202) and `GET /v1/operations/{id}` show it. */
export interface OperationView {
  id: string;
  status: string;
  progress: {
    total: number;
    processed: number;
    deleted: number;
    notFound: number;
    notDeletable: number;
    failed: number;
  };
  createdAt: string;
  updatedAt: string;
}

/** The JSON body of a contacts delete, serialised once so a timed request measures only the exchange. */
export const deleteBody = (phoneNumbers: readonly string[]): string => JSON.stringify({ phoneNumbers });

/**
 * Sends a contacts delete with a prepared body and expects the 202 of a new operation. `acceptMs` is
 * from the first byte sent to the whole answer read, on this side.
 */
export async function startOperation(
  api: ApiClient,
  target: Target,
  body: string,
): Promise<{ operation: OperationView; acceptMs: number }> {
  const sent = performance.now();
  const answer = await api.post(deletePath(target), {
    rawBody: body,
    headers: { 'content-type': 'application/json' },
  });
  const acceptMs = performance.now() - sent;
  if (answer.status !== 202)
    throw new Error(`expected 202, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  return { operation: answer.body as OperationView, acceptMs };
}

export async function cancelOperation(api: ApiClient, id: string): Promise<void> {
  const answer = await api.post(`/v1/operations/${id}/cancel`);
  if (answer.status !== 200) throw new Error(`cancel answered ${answer.status}: ${answer.text}`);
}

/** Server-side run time: from the operation's creation to its last change (the completion). */
export const runMs = (operation: OperationView): number =>
  Date.parse(operation.updatedAt) - Date.parse(operation.createdAt);
