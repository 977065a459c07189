import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ContactError, ContactOutcomeKind } from '@app/core';
import {
  NewOperation,
  NumberOutcome,
  OperationRecord,
  OperationStore,
  RecordOutcomeResult,
  ResultsPage,
} from '../ports/operation-store';
import {
  byCreation,
  checkIndex,
  checkNewOperation,
  chunkCountOf,
  isTerminal,
  operationExists,
  operationNotFound,
  OUTCOME_COUNTER,
} from '../operations/operation-rules';
import { checkLimit, decodeCursor, encodeCursor } from '../operations/results-cursor';
import { hashFromReply, outcomeFromJson, outcomeJson, recordFromHash } from './operation-hash';
import { RedisScript, runScript } from './redis-script';
import { RedisKeyspace } from './redis-keyspace';
import { storeCall, storeUnavailable } from './store-errors';
import {
  ADD_ACTIVE_OPERATION,
  CREATE_OPERATION,
  MARK_ATTEMPT,
  READ_CHUNK,
  READ_RESULTS,
  RECORD_OUTCOME,
  TRANSITION_OPERATION,
} from './scripts/operation.scripts';

/** Numbers per RPUSH: big enough to be quick, small enough that no single command is huge. */
export const PUSH_BATCH_SIZE = 10_000;

/**
 * Operations shared by every replica. Each write is one script on the operation's keys (one slot), so
 * an outcome and its counters move together and a number is counted once however many replicas send
 * it. The account's active set is in another slot, so it is updated by a separate call after the
 * script; if that call is lost, `activeOnAccount` drops the finished operation the next time it looks.
 */
export class RedisOperationStore implements OperationStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyspace: RedisKeyspace = new RedisKeyspace(),
  ) {}

  async create(
    operation: NewOperation,
    phoneNumbers: string[],
    retentionMs: number,
  ): Promise<OperationRecord> {
    checkNewOperation(operation, retentionMs);
    const keys = this.keyspace.operation(operation.id);
    const staging = keys.staging(randomUUID());
    const wholeRetentionMs = Math.max(1, Math.ceil(retentionMs));
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
        ],
      ),
    );
    const [outcome, detail] = tagged(reply, CREATE_OPERATION);
    if (outcome === 'exists') throw operationExists(operation.id);
    if (outcome !== 'created') throw unexpected(CREATE_OPERATION, reply);
    // After the record, never before: activeOnAccount drops ids whose record it cannot find.
    await storeCall(() =>
      runScript(
        this.redis,
        ADD_ACTIVE_OPERATION,
        [this.keyspace.activeOperations(operation.accountId)],
        [operation.id, wholeRetentionMs],
      ),
    );
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
    if (indexes.length === 0) return new Set();
    const members = indexes.map(String);
    const scores = await storeCall(() => this.redis.zmscore(this.keyspace.operation(id).done, ...members));
    return new Set(indexes.filter((_, i) => scores[i] !== null));
  }

  async markAttempt(id: string, index: number): Promise<number> {
    checkIndex(index);
    const keys = this.keyspace.operation(id);
    const reply = await storeCall(() =>
      runScript(this.redis, MARK_ATTEMPT, [keys.record, keys.attempts], [String(index)]),
    );
    const [outcome, detail] = tagged(reply, MARK_ATTEMPT);
    if (outcome === 'missing') throw operationNotFound(id);
    if (outcome === 'out_of_range') checkIndex(index, Number(detail)); // throws: index ≥ total
    if (outcome !== 'counted' || typeof detail !== 'number') throw unexpected(MARK_ATTEMPT, reply);
    return detail;
  }

  async recordOutcome(id: string, outcome: NumberOutcome): Promise<RecordOutcomeResult> {
    checkIndex(outcome.index);
    const keys = this.keyspace.operation(id);
    const reply = await storeCall(() =>
      runScript(
        this.redis,
        RECORD_OUTCOME,
        [keys.record, keys.outcomes, keys.done, keys.doneWith(outcome.outcome)],
        [String(outcome.index), outcomeJson(outcome), OUTCOME_COUNTER[outcome.outcome]],
      ),
    );
    const [result, detail, hash] = tagged(reply, RECORD_OUTCOME);
    if (result === 'missing') throw operationNotFound(id);
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
    const done = query.outcome ? keys.doneWith(query.outcome) : keys.done;
    // One more than asked for: its index is where the next page starts, and without it this is the last.
    const reply = await storeCall(() =>
      runScript(this.redis, READ_RESULTS, [done, keys.outcomes], [first, query.limit + 1]),
    );
    const flat = Array.isArray(reply) ? (reply as unknown[]) : [];
    const items: NumberOutcome[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const json = flat[i + 1];
      if (typeof json === 'string') items.push(outcomeFromJson(Number(flat[i]), json));
    }
    if (items.length <= query.limit) return { items };
    const next = items[query.limit];
    return { items: items.slice(0, query.limit), nextCursor: encodeCursor(next.index) };
  }

  async activeOnAccount(accountId: string): Promise<OperationRecord[]> {
    const activeKey = this.keyspace.activeOperations(accountId);
    const ids = await storeCall(() => this.redis.smembers(activeKey));
    const records = await Promise.all(ids.map((id) => this.get(id)));
    const active: OperationRecord[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const record = records[i];
      if (record && !isTerminal(record.status)) active.push(record);
      else gone.push(id);
    });
    // Expired operations, and finished ones whose removal was lost, leave the set now.
    if (gone.length > 0) await storeCall(() => this.redis.srem(activeKey, ...gone));
    return active.sort(byCreation);
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
   * Removes a finished operation from its account's active set. A failure here is not the caller's:
   * the write it made is stored, and activeOnAccount drops finished operations it finds anyway.
   */
  private async dropActive(operation: OperationRecord): Promise<void> {
    const key = this.keyspace.activeOperations(operation.accountId);
    await storeCall(() => this.redis.srem(key, operation.id)).catch(() => undefined);
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

function unexpected(script: RedisScript, reply: unknown): Error {
  return new Error(`${script.name} answered ${JSON.stringify(reply)}`);
}
