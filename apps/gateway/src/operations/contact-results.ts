import { ContactOutcome } from '@app/core';

/*
 * What a contacts delete answers: within the request, or from an operation that completed while the
 * caller waited (Prefer: wait). Here rather than in contacts/, which builds on operations/, so that
 * operations/ imports nothing of contacts/ (feature-imports.spec.ts keeps it so).
 */

export interface DeleteContactsResult {
  operationId?: string;
  requested: number;
  deleted: number;
  notFound: number;
  notDeletable: number;
  failed: number;
  results: ContactOutcome[];
}

/** Counts per-number outcomes into the contract's result. */
export function summarise(outcomes: ContactOutcome[]): DeleteContactsResult {
  const count = (kind: ContactOutcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
  return {
    requested: outcomes.length,
    deleted: count('deleted'),
    notFound: count('not_found'),
    notDeletable: count('not_deletable'),
    failed: count('failed'),
    results: outcomes,
  };
}
