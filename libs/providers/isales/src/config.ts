import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { BaseAccountConfig } from '@app/config/account-config';
import { IsIanaTimeZone } from './time-zone';

export type IsalesAgentIdField = 'userAccount' | 'workNo';

/** One iSales tenant: its VDN and the AK/SK pair used for auth-v2 signing. */
export class IsalesAccountConfig extends BaseAccountConfig {
  @IsIn(['isales'])
  declare provider: 'isales';

  @IsInt()
  @Min(1)
  @Max(9999)
  vdnId!: number;

  // The AK travels inside the Authorization header and is split on "/" by the vendor, so it must be
  // printable ASCII without spaces or slashes.
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @Matches(/^[\x21-\x2e\x30-\x7e]+$/, {
    message: 'accessKey must be printable ASCII without spaces or "/"',
  })
  accessKey!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  secretKey!: string;

  /** Some deployments name the agent field of a reserved call `workNo` instead of `userAccount`. */
  @IsOptional()
  @IsIn(['userAccount', 'workNo'])
  agentIdField?: IsalesAgentIdField;

  /**
   * The iSales server's time zone (IANA name), default UTC: `recycleTime` carries no zone and the
   * server reads it in its local time, so a scheduled-time filter is converted to this zone.
   */
  @IsOptional()
  @IsIanaTimeZone()
  timeZone?: string;
}
