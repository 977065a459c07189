import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ProviderName } from '@app/core';

export class RateLimitConfig {
  @IsInt()
  @Min(1)
  @Max(100_000)
  limit!: number;

  @IsInt()
  @Min(1)
  @Max(86_400_000)
  windowMs!: number;

  /** Extra time each grant is held, so network jitter cannot push limit + 1 arrivals into a vendor window. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  marginMs?: number;
}

/**
 * A vendor's many-numbers-at-once delete (Ozonetel's DeleteBulkData), on its own budget beside the
 * one-number call. Only providers that have one accept it (checked when the accounts are built).
 */
export class BulkDeleteConfig {
  /** The batch call's own budget; the provider's documented one when absent (Ozonetel: 2 per 60 s). */
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitConfig)
  rateLimit?: RateLimitConfig;
}

/**
 * What every account has, whatever its vendor. Each provider library extends this with its own
 * credentials and settings; the loader picks the class by `provider`.
 */
export class BaseAccountConfig {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'id must be 1..64 characters of letters, digits, ".", "_" or "-"',
  })
  id!: string;

  /**
   * The vendor, by the name of its provider plugin. Which names exist is the gateway's registry: the
   * loader is handed its account classes and refuses any other name before this class is read, and
   * each vendor's class narrows the field to its own name.
   */
  @IsString()
  provider!: ProviderName;

  /** `https://` URL of the vendor's API; `http://` only with `allowInsecureHttp` (see the loader). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl!: string;

  /**
   * Lets `baseUrl` be plain `http://`, which sends the account's credentials (Ozonetel's apiKey, the
   * iSales signature) in clear: for a sandbox or a vendor reached through a local TLS-terminating
   * tunnel only. Without it an `http://` base URL stops the start.
   */
  @IsOptional()
  @IsBoolean()
  allowInsecureHttp?: boolean;

  /** PEM bundle of extra trusted CAs; a relative path is read from the configuration file's folder. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  caFile?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitConfig)
  rateLimit?: RateLimitConfig;

  /** Turns the vendor's batch delete on for bulk operations on this account (Ozonetel only). */
  @IsOptional()
  @ValidateNested()
  @Type(() => BulkDeleteConfig)
  bulkDelete?: BulkDeleteConfig;

  /** Longest wait for one vendor answer. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(120_000)
  timeoutMs?: number;
}
