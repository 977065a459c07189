import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection';
import { ContactError, ContactOutcomeKind } from '@app/core';
import {
  AccountQueue,
  ChunkHold,
  isTerminal,
  NewOperation,
  NumberOutcome,
  OperationQuotas,
  OperationRecord,
  OperationStatus,
  OperationStore,
  RecordOutcomeResult,
  ResultsPage,
  SendClaim,
  BatchClaim,
} from '../ports/operation-store';
import {
  accountQuotaExceeded,
  checkIndex,
  checkNewOperation,
  chunkCountOf,
  clientQuotaExceeded,
  operationExists,
  operationNotFound,
  OUTCOME_COUNTER,
} from '../operations/operation-rules';
import { checkLimit, decodeCursor, encodeCursor } from '../operations/results-cursor';
import {
  hashFromReply,
  codesOfKind,
  outcomeCode,
  outcomeDetails,
  outcomeFromParts,
  recordFromHash,
} from './operation-hash';
import { RedisScript, runScript } from './redis-script';
import { RedisKeyspace } from './redis-keyspace';
import { storeCall, storeUnavailable } from './store-errors';
import {
  ADMIT_FOR_ACCOUNT,
  ADMIT_FOR_CLIENT,
  CLAIM_SEND,
  CLAIM_SEND_MANY,
  CREATE_OPERATION,
  HOLD_CHUNK,
  OPERATION_LAYOUT,
  READ_CHUNK,
  READ_RECORDED,
  READ_RESULTS,
  RECORD_OUTCOME,
  RENEW_HOLD,
  SET_REMAINING,
  TRANSITION_OPERATION,
} from './scripts/operation.scripts';

/** Numbers per RPUSH: big enough to be quick, small enough that no single command is huge. */
export const PUSH_BATCH_SIZE = 10_000;

/** Admission without limits still counts the operation in its client's and account's keys. */
const NO_QUOTAS: OperationQuotas = {
  maxActivePerClient: Number.MAX_SAFE_INTEGER,
  maxQueuedPerAccount: Number.MAX_SAFE_INTEGER,
};

/** Indexes past this cannot name a number: `kinds` keeps one byte per number in a string of ≤ 512 MB. */
const INDEX_LIMIT = 512 * 1024 * 1024;

/**
 * Operations shared by every replica. Each write is one script on the operation's keys (one slot), so
 * an outcome and its counters move together and a number is counted once however many replicas send
 * it. The client's active set and the account's queue are in other slots, so they are updated by
 * separate calls: admission before the operation is written, removal after it ended. If a removal is
 * lost (a crash between the two), the next admission that finds the quota full looks up the operations
 * it counts and drops those that ended.
 *
 * A number costs what its place in the numbers list costs (about 10 bytes) plus one byte for its
 * outcome and one bit for its first attempt; only an outcome with an error (or a number written unlike
 * the listed one) and a number sent more than once add a hash entry. Results are found by scanning the
 * outcome bytes, so no index is kept for paging. The layout is described in scripts/operation.scripts.ts.
 */
export class RedisOperationStore implements OperationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: RedisKeyspace = new RedisKeyspace(),
  ) {}

  async create(
    operation: NewOperation,
    phoneNumbers: string[],
    retentionMs: number,
    quotas?: OperationQuotas,
  ): Promise<OperationRecord> {
    checkNewOperation(operation, retentionMs);
    const keys = this.keyspace.operation(operation.id);
    const wholeRetentionMs = Math.max(1, Math.ceil(retentionMs));
    const staging = keys.staging(randomUUID());
    await this.stage(staging, phoneNumbers, wholeRetentionMs);
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        CREATE_OPERATION,
        [keys.record, keys.numbers, staging],
        [
          operation.id,
          operation.accountId,
          operation.campaignId,
          JSON.stringify(operation.selection),
          operation.chunkSize,
          chunkCountOf(phoneNumbers.length, operation.chunkSize),
          phoneNumbers.length,
          wholeRetentionMs,
          operation.clientId,
          operation.traceparent ?? '',
        ],
      ),
    );
    const [outcome, detail] = tagged(reply, CREATE_OPERATION);
    if (outcome === 'exists') throw operationExists(operation.id);
    if (outcome !== 'created') throw unexpected(CREATE_OPERATION, reply);
    // Counted after the record exists, never before: a quota key's id without a record is one that
    // ended long ago (expired), so it can be dropped. Until it is admitted nobody knows the id.
    try {
      // Without quotas nothing is refused, but the operation is still counted (estimates, metrics).
      await this.admit(operation, phoneNumbers.length, quotas ?? NO_QUOTAS, wholeRetentionMs);
    } catch (error) {
      await storeCall(() => this.redis.del(keys.record, keys.numbers)).catch(() => undefined);
      throw error;
    }
    return requireRecord(detail, CREATE_OPERATION);
  }

  async get(id: string): Promise<OperationRecord | undefined> {
    const hash = await storeCall(() => this.redis.hgetall(this.keyspace.operation(id).record));
    return recordFromHash(hash);
  }

  async chunk(id: string, chunkIndex: number): Promise<{ index: number; phoneNumber: string }[]> {
    // LRANGE counts negative positions from the end; there is no chunk -1.
    if (!Number.isSafeInteger(chunkIndex) || chunkIndex < 0) return [];
    const keys = this.keyspace.operation(id);
    const reply = await storeCall(() =>
      runScript(this.redis, READ_CHUNK, [keys.record, keys.numbers], [chunkIndex]),
    );
    const [first, numbers] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (typeof first !== 'number' || !Array.isArray(numbers)) throw unexpected(READ_CHUNK, reply);
    return numbers.map((phoneNumber, offset) => ({
      index: first + offset,
      phoneNumber: String(phoneNumber),
    }));
  }

  async recordedAmong(id: string, indexes: number[]): Promise<Set<number>> {
    // Anything but a whole number in range names no number, so it has no outcome.
    const asked = indexes.filter((index) => Number.isSafeInteger(index) && index >= 0 && index < INDEX_LIMIT);
    if (asked.length === 0) return new Set();
    const reply = await storeCall(() =>
      runScript(this.redis, READ_RECORDED, [this.keyspace.operation(id).kinds], asked.map(String)),
    );
    const flags = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (flags.length !== asked.length) throw unexpected(READ_RECORDED, reply);
    return new Set(asked.filter((_, i) => flags[i] === 1));
  }

  async holdChunk(id: string, hold: ChunkHold): Promise<void> {
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        HOLD_CHUNK,
        [this.keyspace.operation(id).record, this.keyspace.operation(id).hold(hold.chunkIndex)],
        [hold.holder, Math.ceil(hold.leaseMs)],
      ),
    );
    const [outcome] = tagged(reply, HOLD_CHUNK);
    if (outcome === 'missing') throw operationNotFound(id);
    if (outcome !== 'held') throw unexpected(HOLD_CHUNK, reply);
  }

  async renewHold(id: string, hold: ChunkHold): Promise<{ held: boolean; status?: OperationStatus }> {
    const keys = this.keyspace.operation(id);
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        RENEW_HOLD,
        [keys.record, keys.hold(hold.chunkIndex)],
        [hold.holder, Math.ceil(hold.leaseMs)],
      ),
    );
    const [outcome, status] = tagged(reply, RENEW_HOLD);
    if (outcome === 'missing') return { held: false };
    if (outcome !== 'held' && outcome !== 'lost') throw unexpected(RENEW_HOLD, reply);
    return { held: outcome === 'held', status: String(status) as OperationStatus };
  }

  async claimSend(id: string, index: number, hold: ChunkHold): Promise<SendClaim> {
    checkIndex(index);
    const keys = this.keyspace.operation(id);
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        CLAIM_SEND,
        [keys.record, keys.attempted, keys.retries, keys.kinds, keys.hold(hold.chunkIndex)],
        [String(index), hold.holder, Math.ceil(hold.leaseMs)],
      ),
    );
    const [outcome, detail] = tagged(reply, CLAIM_SEND);
    if (outcome === 'missing') throw operationNotFound(id);
    if (outcome === 'layout') throw otherLayout(id, detail);
    if (outcome === 'out_of_range') checkIndex(index, Number(detail)); // throws: index ≥ total
    if (outcome === 'lost' || outcome === 'recorded') return { kind: outcome };
    if (outcome !== 'claimed' || typeof detail !== 'number') throw unexpected(CLAIM_SEND, reply);
    return { kind: 'claimed', attempt: detail };
  }

  async claimSendMany(id: string, indexes: number[], hold: ChunkHold): Promise<BatchClaim> {
    for (const index of indexes) checkIndex(index);
    const distinct = [...new Set(indexes)];
    if (distinct.length === 0) return { kind: 'claimed', claimed: [] };
    const keys = this.keyspace.operation(id);
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        CLAIM_SEND_MANY,
        [keys.record, keys.attempted, keys.retries, keys.kinds, keys.hold(hold.chunkIndex)],
        [String(Math.max(...distinct)), hold.holder, Math.ceil(hold.leaseMs), ...distinct.map(String)],
      ),
    );
    const [outcome, ...rest] = tagged(reply, CLAIM_SEND_MANY);
    if (outcome === 'missing') throw operationNotFound(id);
    if (outcome === 'layout') throw otherLayout(id, rest[0]);
    if (outcome === 'out_of_range') checkIndex(Math.max(...distinct), Number(rest[0])); // throws
    if (outcome === 'lost') return { kind: 'lost' };
    if (outcome !== 'claimed' || rest.length % 2 !== 0) throw unexpected(CLAIM_SEND_MANY, reply);
    const claimed: { index: number; attempt: number }[] = [];
    for (let i = 0; i < rest.length; i += 2)
      claimed.push({ index: Number(rest[i]), attempt: Number(rest[i + 1]) });
    return { kind: 'claimed', claimed };
  }

  async recordOutcome(id: string, outcome: NumberOutcome): Promise<RecordOutcomeResult> {
    checkIndex(outcome.index);
    const keys = this.keyspace.operation(id);
    const details = outcomeDetails(outcome);
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        RECORD_OUTCOME,
        [keys.record, keys.numbers, keys.kinds, keys.details],
        [
          String(outcome.index),
          outcomeCode(outcome),
          OUTCOME_COUNTER[outcome.outcome],
          outcome.phoneNumber,
          details.listed,
          details.other,
        ],
      ),
    );
    const [result, detail, hash] = tagged(reply, RECORD_OUTCOME);
    if (result === 'missing') throw operationNotFound(id);
    if (result === 'layout') throw otherLayout(id, detail);
    if (result === 'out_of_range') checkIndex(outcome.index, Number(detail)); // throws: index ≥ total
    if (result !== 'recorded' && result !== 'duplicate') throw unexpected(RECORD_OUTCOME, reply);
    const operation = requireRecord(hash, RECORD_OUTCOME);
    if (detail === 1) await this.dropActive(operation);
    return { recorded: result === 'recorded', operation };
  }

  async transition(
    id: string,
    status: 'running' | 'cancelled' | 'failed',
    error?: ContactError,
  ): Promise<OperationRecord | undefined> {
    const errorJson = status === 'failed' && error ? JSON.stringify(error) : '';
    const reply = await storeCall(() =>
      runScript(this.redis, TRANSITION_OPERATION, [this.keyspace.operation(id).record], [status, errorJson]),
    );
    const [outcome, hash] = tagged(reply, TRANSITION_OPERATION);
    if (outcome === 'missing') return undefined;
    if (outcome !== 'changed' && outcome !== 'unchanged') throw unexpected(TRANSITION_OPERATION, reply);
    const operation = requireRecord(hash, TRANSITION_OPERATION);
    if (outcome === 'changed' && isTerminal(operation.status)) await this.dropActive(operation);
    return operation;
  }

  async results(
    id: string,
    query: { outcome?: ContactOutcomeKind; cursor?: string; limit: number },
  ): Promise<ResultsPage> {
    const first = decodeCursor(query.cursor);
    checkLimit(query.limit);
    const keys = this.keyspace.operation(id);
    const code = query.outcome ? codesOfKind(query.outcome) : '';
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        READ_RESULTS,
        [keys.kinds, keys.numbers, keys.details],
        [first, query.limit, code],
      ),
    );
    const [next, ...flat] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (typeof next !== 'number' || flat.length % 4 !== 0) throw unexpected(READ_RESULTS, reply);
    const items: NumberOutcome[] = [];
    for (let i = 0; i < flat.length; i += 4) {
      const [index, itemCode, phoneNumber, details] = flat.slice(i, i + 4);
      if (typeof index !== 'number') throw unexpected(READ_RESULTS, reply);
      items.push(outcomeFromParts(index, String(itemCode), String(phoneNumber), String(details)));
    }
    // The next page starts at the first outcome after this one; there is none after the last page.
    return next < 0 ? { items } : { items, nextCursor: encodeCursor(next) };
  }

  async noteRemaining(id: string): Promise<void> {
    const record = await this.get(id);
    if (!record || isTerminal(record.status)) return;
    const remaining = record.progress.total - record.progress.processed;
    await storeCall(() =>
      runScript(this.redis, SET_REMAINING, [this.keyspace.accountQueue(record.accountId)], [id, remaining]),
    );
  }

  async queueOf(accountId: string): Promise<AccountQueue> {
    const queueKey = this.keyspace.accountQueue(accountId);
    const queue = await storeCall(() => this.redis.hgetall(queueKey));
    const ids = Object.keys(queue);
    // An operation that outlived its retention while still active is gone: it leaves the queue here.
    const exists = await storeCall(() =>
      Promise.all(ids.map((id) => this.redis.exists(this.keyspace.operation(id).record))),
    );
    const gone = ids.filter((_, i) => exists[i] === 0);
    if (gone.length > 0) await storeCall(() => this.redis.hdel(queueKey, ...gone));
    const operations = ids
      .filter((_, i) => exists[i] === 1)
      .map((id) => ({ id, remaining: Number(queue[id]) }));
    return { total: operations.reduce((sum, o) => sum + o.remaining, 0), operations };
  }

  /**
   * Counts the operation toward both quotas, or refuses it. A full quota is checked once more after
   * dropping operations that ended without leaving it (their removal was lost in a crash).
   */
  private async admit(
    operation: NewOperation,
    numbers: number,
    quotas: OperationQuotas,
    keepMs: number,
  ): Promise<void> {
    const clientKey = this.keyspace.clientOperations(operation.clientId);
    const accountKey = this.keyspace.accountQueue(operation.accountId);
    const forClient = () =>
      runScript(this.redis, ADMIT_FOR_CLIENT, [clientKey], [operation.id, quotas.maxActivePerClient, keepMs]);
    const forAccount = () =>
      runScript(
        this.redis,
        ADMIT_FOR_ACCOUNT,
        [accountKey],
        [operation.id, numbers, quotas.maxQueuedPerAccount, keepMs],
      );
    let [clientOutcome, active] = tagged(await storeCall(forClient), ADMIT_FOR_CLIENT);
    const clientIds = () => storeCall(() => this.redis.zrange(clientKey, '0', '-1'));
    if (clientOutcome === 'over' && (await this.dropEnded(await clientIds(), clientKey))) {
      [clientOutcome, active] = tagged(await storeCall(forClient), ADMIT_FOR_CLIENT);
    }
    if (clientOutcome === 'over') {
      throw clientQuotaExceeded(operation.clientId, Number(active), quotas.maxActivePerClient);
    }
    let [accountOutcome, queued] = tagged(await storeCall(forAccount), ADMIT_FOR_ACCOUNT);
    const accountIds = () => storeCall(() => this.redis.hkeys(accountKey));
    if (accountOutcome === 'over' && (await this.dropEnded(await accountIds(), accountKey))) {
      [accountOutcome, queued] = tagged(await storeCall(forAccount), ADMIT_FOR_ACCOUNT);
    }
    if (accountOutcome === 'over') {
      await storeCall(() => this.redis.zrem(clientKey, operation.id));
      throw accountQuotaExceeded(operation.accountId, Number(queued), numbers, quotas.maxQueuedPerAccount);
    }
  }

  /** Removes ids of ended or expired operations from a quota key; true if any was removed. */
  private async dropEnded(ids: string[], quotaKey: string): Promise<boolean> {
    const statuses = await Promise.all(
      ids.map((id) => storeCall(() => this.redis.hget(this.keyspace.operation(id).record, 'status'))),
    );
    const ended = ids.filter((_, i) => {
      const status = statuses[i];
      return status === null || isTerminal(status as OperationStatus);
    });
    if (ended.length === 0) return false;
    await storeCall(() =>
      quotaKey.endsWith(':queued')
        ? this.redis.hdel(quotaKey, ...ended)
        : this.redis.zrem(quotaKey, ...ended),
    );
    return true;
  }

  /** Pushes the numbers in batches (one pipeline, in order), to a list that expires if create dies. */
  private async stage(staging: string, phoneNumbers: string[], retentionMs: number): Promise<void> {
    if (phoneNumbers.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (let start = 0; start < phoneNumbers.length; start += PUSH_BATCH_SIZE) {
      pipeline.rpush(staging, ...phoneNumbers.slice(start, start + PUSH_BATCH_SIZE));
    }
    pipeline.pexpire(staging, retentionMs);
    const results = await storeCall(() => pipeline.exec());
    const failure = results ? results.find(([error]) => error)?.[0] : new Error('the pipeline did not run');
    if (failure) {
      // Without this the part that was pushed stays until it expires; nothing reads it meanwhile.
      await storeCall(() => this.redis.del(staging)).catch(() => undefined);
      throw storeUnavailable(failure);
    }
  }

  /**
   * Takes an ended operation out of its client's and account's quotas. A failure here is not the
   * caller's: the write it made is stored, and a full quota drops ended operations it finds anyway.
   */
  private async dropActive(operation: { id: string; clientId: string; accountId: string }): Promise<void> {
    await storeCall(() =>
      Promise.all([
        this.redis.zrem(this.keyspace.clientOperations(operation.clientId), operation.id),
        this.redis.hdel(this.keyspace.accountQueue(operation.accountId), operation.id),
      ]),
    ).catch(() => undefined);
  }
}

/** A script's reply `{tag, ...}`, split into the tag and the rest. */
function tagged(reply: unknown, script: RedisScript): [string, ...unknown[]] {
  const [tag, ...rest] = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (typeof tag !== 'string') throw unexpected(script, reply);
  return [tag, ...rest];
}

function requireRecord(hashReply: unknown, script: RedisScript): OperationRecord {
  const record = recordFromHash(hashFromReply(hashReply));
  if (!record) throw unexpected(script, hashReply);
  return record;
}

/** A writer met a record of another key layout (another gateway version's): writing could count twice. */
function otherLayout(id: string, found: unknown): Error {
  const layout = found === '' ? 'none' : String(found);
  return new Error(
    `Operation ${id} is stored in key layout ${layout}, not ${OPERATION_LAYOUT}: another version of the ` +
      'gateway created it, and this one cannot record its outcomes',
  );
}

function unexpected(script: RedisScript, reply: unknown): Error {
  return new Error(`${script.name} answered ${JSON.stringify(reply)}`);
}
