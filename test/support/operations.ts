import { ApiClient } from './http';
import { TestSandbox } from './sandbox';

/** Gives the sandbox's Ozonetel campaign `Renewals_Q4` these numbers (replacing the seed's). */
export async function seedOzonetelNumbers(
  sandbox: TestSandbox,
  numbers: string[],
  campaign = 'Renewals_Q4',
): Promise<void> {
  const state = (await sandbox.ozonetel.get('/__sandbox/state')).body;
  state.campaigns.find((c: { name: string }) => c.name === campaign).numbers = numbers.map((phoneNumber) => ({
    phoneNumber,
  }));
  await sandbox.ozonetel.put('/__sandbox/state', { body: state });
}

export const numberRange = (first: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => String(first + i));

const TERMINAL = ['completed', 'cancelled', 'failed'];

/** Polls an operation until it has ended (or `timeoutMs` passes) and returns its last state. */
export async function waitForOperation(api: ApiClient, id: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await api.get(`/v1/operations/${id}`);
    if (answer.status !== 200)
      throw new Error(`GET /v1/operations/${id} answered ${answer.status}: ${answer.text}`);
    if (TERMINAL.includes(answer.body.status) || Date.now() > deadline) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every result of an operation, following the cursor. */
export async function allResults(api: ApiClient, id: string, query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.get(
      `/v1/operations/${id}/results?limit=1000${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`results answered ${page.status}: ${page.text}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/**
 * Starts a bulk delete of `numbers` and returns the operation's id; any answer but 202 throws with it,
 * so a test never goes on with an operation that does not exist.
 */
export async function startBulkDelete(
  api: ApiClient,
  accountId: string,
  campaignId: string,
  numbers: string[],
): Promise<string> {
  const answer = await api.post(`/v1/accounts/${accountId}/campaigns/${campaignId}/contacts/delete`, {
    body: { phoneNumbers: numbers },
  });
  if (answer.status !== 202) throw new Error(`expected 202, got ${answer.status}: ${answer.text}`);
  return answer.body.id as string;
}
