import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection';
import { ContactError, ContactOutcomeKind } from '@app/core';
import {
  isTerminal,
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
  operationExists,
  operationNotFound,
  OUTCOME_COUNTER,
} from '../operations/operation-rules';
import { checkLimit, decodeCursor, encodeCursor } from '../operations/results-cursor';
import {
  hashFromReply,
  OUTCOME_CODE,
  outcomeDetails,
  outcomeFromParts,
  recordFromHash,
} from './operation-hash';
import { RedisScript, runScript } from './redis-script';
import { RedisKeyspace } from './redis-keyspace';
import { storeCall, storeUnavailable } from './store-errors';
import {
  ADD_ACTIVE_OPERATION,
  CREATE_OPERATION,
  MARK_ATTEMPT,
  OPERATION_LAYOUT,
  READ_CHUNK,
  READ_RECORDED,
  READ_RESULTS,
  RECORD_OUTCOME,
  TRANSITION_OPERATION,
} from './scripts/operation.scripts';

/** Numbers per RPUSH: big enough to be quick, small enough that no single command is huge. */
export const PUSH_BATCH_SIZE = 10_000;

/** Indexes past this cannot name a number: `kinds` keeps one byte per number in a string of ≤ 512 MB. */
const INDEX_LIMIT = 512 * 1024 * 1024;

/**
 * Operations shared by every replica. Each write is one script on the operation's keys (one slot), so
 * an outcome and its counters move together and a number is counted once however many replicas send
 * it. The account's active set is in another slot, so it is updated by a separate call after the
 * script; if that call is lost, `activeOnAccount` drops the finished operation the next time it looks.
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

  async markAttempt(id: string, index: number): Promise<number> {
    checkIndex(index);
    const keys = this.keyspace.operation(id);
    const reply = await storeCall(() =>
      runScript(this.redis, MARK_ATTEMPT, [keys.record, keys.attempted, keys.retries], [String(index)]),
    );
    const [outcome, detail] = tagged(reply, MARK_ATTEMPT);
    if (outcome === 'missing') throw operationNotFound(id);
    if (outcome === 'layout') throw otherLayout(id, detail);
    if (outcome === 'out_of_range') checkIndex(index, Number(detail)); // throws: index ≥ total
    if (outcome !== 'counted' || typeof detail !== 'number') throw unexpected(MARK_ATTEMPT, reply);
    return detail;
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
          OUTCOME_CODE[outcome.outcome],
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
    const code = query.outcome ? OUTCOME_CODE[query.outcome] : '';
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
