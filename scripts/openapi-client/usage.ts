/**
 * A small typed client over the types openapi-typescript generates from the gateway's document with
 * its defaults (`npm run lint:openapi` generates ../../dist/openapi/schema.d.ts, then compiles this).
 * It fails to compile when the document stops describing what callers rely on.
 */
import type { components, operations, paths } from '../../dist/openapi/schema';

type Schemas = components['schemas'];
type DeleteContactsPath = paths['/v1/accounts/{accountId}/campaigns/{campaignId}/contacts/delete']['post'];

// A request body with only a selector: `archive` and the others stay optional.
const byNumbers: Schemas['DeleteContacts'] = { phoneNumbers: ['66660001'] };
const byFilter: NonNullable<DeleteContactsPath['requestBody']>['content']['application/json'] = {
  customField: 'batch-7',
  archive: true,
};

// Path parameters by operation id.
const where: operations['deleteContacts']['parameters']['path'] = {
  accountId: 'cn-isales',
  campaignId: '1001',
};

// Answers: 200 result, 202 operation, problems with a typed provider detail.
type Result = DeleteContactsPath['responses'][200]['content']['application/json'];
type Accepted = DeleteContactsPath['responses'][202]['content']['application/json'];
type Problem = Schemas['Problem'];

function describe(result: Result): string {
  const failed = result.results.filter((r) => r.outcome === 'failed');
  const vendorCodes: (string | undefined)[] = failed.map((r) => r.error?.provider?.code);
  const vendorNames: string[] = failed.flatMap((r) => (r.error?.provider ? [r.error.provider.name] : []));
  return `${result.deleted}/${result.requested} deleted; vendor codes ${vendorCodes.join(',')} from ${vendorNames.join(',')}`;
}

function progress(operation: Accepted): number {
  return operation.progress.processed / Math.max(operation.progress.total, 1);
}

function explain(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  return `${problem.status} ${problem.code} (${problem.type}) ${problem.detail} ${fields.join('; ')}`;
}

const accountIds = (list: Schemas['AccountList']): string[] => list.items.map((account) => account.id);
const getOperation: operations['getOperation']['parameters']['path'] = { id: 'op-1' };

export const usage = { byNumbers, byFilter, where, describe, progress, explain, accountIds, getOperation };
