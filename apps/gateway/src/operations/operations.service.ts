import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { Client, GatewayConfig } from '@app/config';
import { ContactOutcome, ContactOutcomeKind, GatewayError } from '@app/core';
import { isTerminal, OperationRecord, StoreBundle } from '@app/store';
import { Account, AccountRegistry } from '../accounts/account-registry';
import { AccountAccess } from '../auth/account-access';
import { AccountContext } from '../auth/account-context';
import { OperationMetrics } from '../metrics/operation-metrics';
import { DeleteContactsResult } from './contact-results';
import { GATEWAY_CONFIG, STORE_BUNDLE } from '../tokens';
import { OPERATION_QUEUE, OperationQueue } from './operation-queue';
import { currentTraceparent } from '../telemetry/telemetry';

export interface OperationView {
  id: string;
  accountId: string;
  campaignId: string;
  type: 'contacts.delete';
  status: OperationRecord['status'];
  progress: OperationRecord['progress'];
  createdAt: string;
  updatedAt: string;
  estimatedCompletionAt: string | null;
  error?: OperationRecord['error'];
}

/** Numbers to delete from one campaign, checked, as an operation on a resolved account. */
export interface StartOperationCommand {
  readonly target: AccountContext;
  readonly campaignId: string;
  /** Distinct and valid for the provider. */
  readonly phoneNumbers: string[];
  /** The filters and options sent with every number. */
  readonly selection: Record<string, unknown>;
}

const WAIT_POLL_MS = 200;
const RESULTS_PAGE = 1000;

/** Bulk operations: start them, show them to the clients that may see their account, cancel them. */
@Injectable()
export class OperationsService {
  constructor(
    @Inject(STORE_BUNDLE) private readonly store: StoreBundle,
    @Inject(OPERATION_QUEUE) private readonly queue: OperationQueue,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly access: AccountAccess,
    private readonly registry: AccountRegistry,
    private readonly metrics: OperationMetrics,
  ) {}

  /**
   * Stores the numbers and queues the first chunk; the chunks chain from there. Refused with
   * operation_quota_exceeded (nothing stored) when the client or the account has too much queued.
   */
  async start({
    target,
    campaignId,
    phoneNumbers,
    selection,
  }: StartOperationCommand): Promise<OperationRecord> {
    const { client, account } = target;
    const { settings } = this.config;
    const operation = await this.store.operations.create(
      {
        id: randomUUID(),
        clientId: client.id,
        accountId: account.id,
        campaignId,
        selection,
        chunkSize: chunkSizeFor(account, settings.operationChunkSize),
        // Its chunks run later, anywhere: their spans link back to this request's trace.
        traceparent: currentTraceparent(),
      },
      phoneNumbers,
      settings.operationRetentionMs,
      {
        maxActivePerClient: settings.maxActiveOperationsPerClient,
        maxQueuedPerAccount: settings.maxQueuedNumbersPerAccount,
      },
    );
    await this.queue.enqueueChunk(operation.id, 0);
    this.metrics.operationStarted(account.id);
    return operation;
  }

  /** Polls until the operation ends or `seconds` pass (Prefer: wait). */
  async waitForEnd(operation: OperationRecord, seconds: number): Promise<OperationRecord> {
    const deadline = Date.now() + seconds * 1000;
    let current = operation;
    while (!isTerminal(current.status) && Date.now() < deadline) {
      await sleep(Math.min(WAIT_POLL_MS, Math.max(1, deadline - Date.now())));
      current = (await this.store.operations.get(operation.id)) ?? current;
    }
    return current;
  }

  /** The operation if this client may see its account; "not found" otherwise, so ids do not leak. */
  async find(client: Client, id: string): Promise<OperationRecord> {
    const operation = /^[0-9a-f-]{36}$/.test(id) ? await this.store.operations.get(id) : undefined;
    if (!operation || !this.access.canSee(client, operation.accountId)) {
      throw new GatewayError('operation_not_found', `No operation "${id}" is available to this client`);
    }
    return operation;
  }

  async cancel(client: Client, id: string): Promise<OperationRecord> {
    const operation = await this.find(client, id);
    this.access.resolve(client, operation.accountId, 'contacts.delete');
    const after = (await this.store.operations.transition(id, 'cancelled')) ?? operation;
    if (!isTerminal(operation.status) && after.status === 'cancelled')
      this.metrics.operationEnded(operation.accountId, 'cancelled');
    return after;
  }

  async results(
    client: Client,
    id: string,
    query: { outcome?: ContactOutcomeKind; cursor?: string; limit?: number },
  ) {
    await this.find(client, id);
    const page = await this.store.operations.results(id, {
      outcome: query.outcome,
      cursor: query.cursor || undefined,
      limit: query.limit ?? 100,
    });
    return { items: page.items.map(toContactOutcome), nextCursor: page.nextCursor ?? null };
  }

  /** The answer a synchronous delete would have given, for an operation that completed in time. */
  async summary(operation: OperationRecord): Promise<DeleteContactsResult> {
    const results: ContactOutcome[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.operations.results(operation.id, { cursor, limit: RESULTS_PAGE });
      results.push(...page.items.map(toContactOutcome));
      cursor = page.nextCursor;
    } while (cursor);
    const { total, deleted, notFound, notDeletable, failed } = operation.progress;
    return { operationId: operation.id, requested: total, deleted, notFound, notDeletable, failed, results };
  }

  async view(operation: OperationRecord): Promise<OperationView> {
    const { id, accountId, campaignId, type, status, progress, createdAt, updatedAt, error } = operation;
    return {
      id,
      accountId,
      campaignId,
      type,
      status,
      progress,
      createdAt,
      updatedAt,
      estimatedCompletionAt: await this.estimateCompletion(operation),
      ...(error ? { error } : {}),
    };
  }

  /**
   * Operations on one account take turns grant by grant, so this one is done once it has had its own
   * remaining numbers' worth of turns: every other operation waiting on the account spends at most as
   * many grants meanwhile. Bulk work may use every grant no interactive call takes, so the account's
   * whole budget is counted; the first window's worth may go at once. Never before now while it waits.
   */
  private async estimateCompletion(operation: OperationRecord): Promise<string | null> {
    const account = this.registry.get(operation.accountId);
    if (isTerminal(operation.status) || !account) return null;
    const remaining = operation.progress.total - operation.progress.processed;
    const queue = await this.store.operations.queueOf(operation.accountId);
    const calls = queue.operations
      .filter((other) => other.id !== operation.id)
      .reduce((sum, other) => sum + Math.min(remaining, other.remaining), remaining);
    const windowMs = account.rateLimit.windowMs + account.marginMs;
    const windows = Math.max(1, Math.ceil(calls / numbersPerWindow(account, windowMs)));
    return new Date(Date.now() + (windows - 1) * windowMs).toISOString();
  }
}

/** Numbers an account's budgets delete per single-budget window: both paths on a batch account. */
function numbersPerWindow(account: Account, windowMs: number): number {
  if (!account.batch) return account.rateLimit.limit;
  const batchWindowMs = account.batch.rateLimit.windowMs + account.batch.marginMs;
  const batchesPerWindow = (account.batch.rateLimit.limit * windowMs) / batchWindowMs;
  return account.rateLimit.limit + Math.floor(batchesPerWindow * account.batch.maxNumbers);
}

/**
 * Numbers per chunk. On an account with a batch delete, a chunk holds at least a window's worth of
 * both paths (the single budget plus every batch of the batch budget), so singles and batches can run
 * side by side within one chunk, neither waiting for the other.
 */
export function chunkSizeFor(account: Account, configured: number): number {
  if (!account.batch) return configured;
  const both = account.rateLimit.limit + account.batch.rateLimit.limit * account.batch.maxNumbers;
  return Math.max(configured, both);
}

function toContactOutcome({
  phoneNumber,
  outcome,
  error,
  via,
}: {
  phoneNumber: string;
  outcome: ContactOutcomeKind;
  error?: ContactOutcome['error'];
  via?: ContactOutcome['via'];
}): ContactOutcome {
  return { phoneNumber, outcome, ...(error ? { error } : {}), ...(via ? { via } : {}) };
}
