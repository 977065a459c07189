// The base class's class-transformer decorators need the metadata API when this module loads.
import 'reflect-metadata';
import { Equals, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { BaseAccountConfig } from '@app/config/account-config';

export const OZONETEL_AUTH_MODES = ['basic', 'token'] as const;
export type OzonetelAuthMode = (typeof OZONETEL_AUTH_MODES)[number];

/**
 * An Ozonetel CloudAgent account. `authMode` must match the account's "API Authentication" admin
 * setting at Ozonetel (BASIC_AUTH or TOKEN_AUTH): the vendor refuses calls made the other way.
 */
export class OzonetelAccountConfig extends BaseAccountConfig {
  @Equals('ozonetel')
  override provider = 'ozonetel' as const;

  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(/\S/, { message: 'userName must not be blank' })
  userName!: string;

  // Sent as a header value, so anything a header cannot carry would fail every call at send time.
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  @Matches(/^[\x21-\x7E]+$/, { message: 'apiKey must be printable ASCII without spaces' })
  apiKey!: string;

  @IsOptional()
  @IsIn(OZONETEL_AUTH_MODES)
  authMode: OzonetelAuthMode = 'basic';

  /** Keeps the key out of anything that serialises the configuration (logs, error reports). */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this).map(([key, value]) => [key, key === 'apiKey' ? '[redacted]' : (value as unknown)]),
    );
  }
}
