import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CAPABILITIES, Capability } from '@app/core';
import { BaseAccountConfig, RateLimitConfig } from './account-config';

/** One account a client may use; `capabilities` narrows what it may do there (default: everything). */
export class AccountGrantConfig {
  @IsString()
  @Matches(/^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/, { message: 'id must be an account id or "*"' })
  id!: string;

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(CAPABILITIES, { each: true })
  capabilities?: Capability[];
}

export class ClientConfig {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'id must be 1..64 characters of letters, digits, ".", "_" or "-"',
  })
  id!: string;

  /**
   * The SHA-256 of the client key, or a list of them: a client holds two keys while one is rotated.
   * Checked by the loader (one hash or a list; see checkClientKeys).
   */
  @Allow()
  keySha256?: unknown;

  /**
   * The client key itself, or a list, normally as `${ENV}` secrets: the alternative to `keySha256` that
   * lets the loader refuse keys shorter than 32 characters. Checked by the loader.
   */
  @Allow()
  key?: unknown;

  /** Account ids, "*", or `{ id, capabilities }` grants; strings are turned into grants when loading. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AccountGrantConfig)
  accounts!: AccountGrantConfig[];
}

export class GatewaySettingsConfig {
  /** How long a request may wait for a vendor's rate budget before it is answered 429. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  syncWaitMs?: number;

  /** Per client, for inbound throttling. */
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitConfig)
  inboundRateLimit?: RateLimitConfig;

  /**
   * Share of each account's window bulk work leaves free while interactive calls were seen in the last
   * window (default 0: interactive calls already come first, so bulk work may use every grant).
   */
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.9)
  interactiveShare?: number;

  /** Queued and running bulk operations one client may have at once, over every replica. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxActiveOperationsPerClient?: number;

  /** Numbers still waiting in bulk operations on one account, over every client and replica. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  maxQueuedNumbersPerAccount?: number;

  /**
   * How long a chunk whose account this replica does not know waits for a replica that does (a
   * rolling deploy adding the account) before its operation fails with account_not_found.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  unknownAccountGraceMs?: number;

  @IsOptional()
  @IsInt()
  @Min(60_000)
  operationRetentionMs?: number;

  /** How long a claimed Idempotency-Key stays held without renewal (a crashed replica frees it then). */
  @IsOptional()
  @IsInt()
  @Min(500)
  @Max(300_000)
  idempotencyLeaseMs?: number;

  /** Numbers per chunk of a bulk operation: the unit a worker takes and a crash resumes. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  operationChunkSize?: number;

  /** Chunks one replica works on at once (across operations and accounts). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  operationWorkers?: number;

  /** Vendor calls one chunk keeps in flight; the account's budget still paces them. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  operationNumbersInFlight?: number;

  /** How long a replica's hold on a chunk lasts without renewal: a killed replica's chunk moves on after it. */
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  operationLockMs?: number;

  /** How long a number is retried through a vendor outage before it is recorded as failed. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  operationRetryForMs?: number;

  /** How long a completed answer is replayed for its key. */
  @IsOptional()
  @IsInt()
  @Min(60_000)
  @Max(7 * 86_400_000)
  idempotencyRetentionMs?: number;

  /**
   * The largest body a route takes, except the bulk route below: the other bodies are a few hundred
   * bytes, so a small limit keeps a caller from making the gateway read and parse megabytes for nothing.
   */
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024)
  bodyLimitBytes?: number;

  /** The largest body of `contacts/delete`: 200,000 numbers of 24 characters, quoted, fit in 8 MiB. */
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  bulkBodyLimitBytes?: number;
}

/** The file's top level; accounts are validated one by one against their provider's class. */
export class GatewayFileConfig {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ClientConfig)
  clients!: ClientConfig[];

  @IsArray()
  @ArrayMinSize(1)
  accounts!: Record<string, unknown>[];

  @IsOptional()
  @ValidateNested()
  @Type(() => GatewaySettingsConfig)
  settings?: GatewaySettingsConfig;
}

export interface GatewaySettings {
  syncWaitMs: number;
  inboundRateLimit: { limit: number; windowMs: number };
  interactiveShare: number;
  maxActiveOperationsPerClient: number;
  maxQueuedNumbersPerAccount: number;
  unknownAccountGraceMs: number;
  operationRetentionMs: number;
  idempotencyLeaseMs: number;
  idempotencyRetentionMs: number;
  operationChunkSize: number;
  operationWorkers: number;
  operationNumbersInFlight: number;
  operationLockMs: number;
  operationRetryForMs: number;
  bodyLimitBytes: number;
  bulkBodyLimitBytes: number;
}

export const DEFAULT_SETTINGS: GatewaySettings = {
  syncWaitMs: 10_000,
  inboundRateLimit: { limit: 600, windowMs: 60_000 },
  interactiveShare: 0,
  maxActiveOperationsPerClient: 20,
  maxQueuedNumbersPerAccount: 2_000_000,
  unknownAccountGraceMs: 10 * 60_000,
  operationRetentionMs: 7 * 24 * 3_600_000,
  idempotencyLeaseMs: 10_000,
  idempotencyRetentionMs: 24 * 3_600_000,
  operationChunkSize: 100,
  operationWorkers: 8,
  // A window's grants go out as a burst when it opens; 16 at once send Ozonetel's 100 in a few seconds.
  operationNumbersInFlight: 16,
  operationLockMs: 15_000,
  operationRetryForMs: 10 * 60_000,
  bodyLimitBytes: 64 * 1024,
  bulkBodyLimitBytes: 8 * 1024 * 1024,
};

export interface ClientGrant {
  /** An account id, or "*" for every account. */
  accountId: string;
  /** Undefined: every capability. */
  capabilities?: readonly Capability[];
}

export interface Client {
  id: string;
  /** The lower-case hex SHA-256 of every key of the client (two while one is rotated). */
  keyHashes: readonly string[];
  grants: readonly ClientGrant[];
}

/** The validated, typed configuration the gateway runs on. */
export interface GatewayConfig<A extends BaseAccountConfig = BaseAccountConfig> {
  clients: Client[];
  accounts: A[];
  settings: GatewaySettings;
  /** Where it came from, for the start-up log (never the content). */
  source: string;
}
