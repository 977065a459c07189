import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { ScheduleMatch } from '@app/core';
import { DIAL_STRING_RULE, IsDialStringList, IsRfc3339 } from '../http/validators';
import { ContactResultDto } from '../operations/contact-result.dto';

export const MAX_PHONE_NUMBERS = 200_000;

export class ScheduledTimeDto {
  @ApiProperty({
    description:
      "RFC 3339 time with an offset. iSales reads recycle times in its server's local time, so the instant is converted to the account's `timeZone` (IANA, default UTC) before sending: with Asia/Kolkata, 2026-12-01T18:30:00Z is sent as 2026-12-02 00:00:00, and `sameDay` means that day in that zone. Fractions of a second are dropped.",
    example: '2026-12-04T17:57:00+08:00',
  })
  @IsRfc3339()
  at!: string;

  @ApiProperty({
    enum: ['onOrBefore', 'sameDay', 'exact'],
    description:
      'onOrBefore: numbers scheduled on that day or earlier; sameDay: on that day; exact: at that very time.',
  })
  @IsIn(['onOrBefore', 'sameDay', 'exact'])
  match!: ScheduleMatch;
}

const ONE_SELECTOR =
  'Selector: give exactly one of phoneNumbers, sessionId, customField or scheduledTime per request (none, or two or more, is 400 validation_failed naming them; nothing is sent).';

@ApiSchema({
  description:
    'Exactly one selector per request: `phoneNumbers`, `sessionId`, `customField` or `scheduledTime`. ' +
    'Each is documented alone at the vendor and how a vendor combines two is not, so a destructive call never guesses: ' +
    'none, or more than one, is 400 `validation_failed` with an `errors` entry per selector field concerned, and nothing is sent. ' +
    '`contactName` (Ozonetel) and `archive` (iSales) are options, not selectors.',
})
export class DeleteContactsDto {
  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    maxItems: MAX_PHONE_NUMBERS,
    description: `${ONE_SELECTOR} Numbers to delete, each ${DIAL_STRING_RULE}, and also within the provider's own rule (iSales: up to 24 of digits, * and #; Ozonetel: 3..16 digits, optional leading +). Duplicates count once.`,
    example: ['66660001'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PHONE_NUMBERS)
  @IsDialStringList()
  phoneNumbers?: string[];

  @ApiPropertyOptional({
    maxLength: 32,
    description: `${ONE_SELECTOR} iSales only: delete the numbers carrying this session id.`,
  })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  sessionId?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: `${ONE_SELECTOR} iSales only: delete every number carrying this custom field.`,
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  customField?: string;

  @ApiPropertyOptional({
    type: ScheduledTimeDto,
    description: `${ONE_SELECTOR} iSales only: delete by scheduled (recycle) time, in the account's timeZone.`,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduledTimeDto)
  scheduledTime?: ScheduledTimeDto;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Ozonetel only: the contact name stored with the number.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contactName?: string;

  // No `default` in the schema: generated clients (openapi-typescript) would make the field required.
  @ApiPropertyOptional({
    description:
      'iSales only: move the deleted numbers to the history table (absent: false). true on Ozonetel is 422 field_not_supported.',
  })
  @IsOptional()
  @IsBoolean()
  archive?: boolean;
}

export class DeleteContactsResultDto {
  @ApiPropertyOptional({ description: 'Set when the work ran as an operation.' })
  operationId?: string;
  @ApiProperty({ description: 'Distinct numbers asked for (0 for a filter delete).', example: 1 })
  requested!: number;
  @ApiProperty({ description: 'For a filter delete: the count the vendor reports.', example: 1 })
  deleted!: number;
  @ApiProperty({ example: 0 })
  notFound!: number;
  @ApiProperty({ example: 0 })
  notDeletable!: number;
  @ApiProperty({ example: 0 })
  failed!: number;
  @ApiProperty({ type: [ContactResultDto], description: 'One entry per number; empty for a filter delete.' })
  results!: ContactResultDto[];
}
