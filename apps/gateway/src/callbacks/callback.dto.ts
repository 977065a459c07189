import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { CallbackMode } from '@app/core';
import {
  DIAL_STRING,
  DIAL_STRING_RULE,
  IsFutureTime,
  IsRfc3339,
  MaxJsonLength,
  OnlyWhen,
} from '../http/validators';

export class CreateCallbackDto {
  @ApiProperty({ description: "The provider's campaign id (iSales: numeric).", example: '1001' })
  @IsString()
  @Length(1, 255)
  campaignId!: string;

  @ApiProperty({ description: `The number to call back: ${DIAL_STRING_RULE}.`, example: '66660001' })
  @IsString()
  @Matches(DIAL_STRING, { message: `phoneNumber must be ${DIAL_STRING_RULE}` })
  phoneNumber!: string;

  @ApiProperty({
    description: 'When to call: RFC 3339 with an offset, in the future.',
    example: '2026-12-01T10:30:00+05:30',
  })
  @IsRfc3339()
  @IsFutureTime()
  scheduledAt!: string;

  @ApiProperty({
    enum: ['manual', 'automatic'],
    description:
      'manual: an agent places the call; automatic: the system dials (iSales dials 5 minutes early).',
  })
  @IsIn(['manual', 'automatic'])
  mode!: CallbackMode;

  @ApiPropertyOptional({
    description: 'The agent account that takes the call; required for manual.',
    example: 'agent001',
  })
  @ValidateIf((dto: CreateCallbackDto) => dto.mode === 'manual' || dto.agentId !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'agentId is required for a manual callback' })
  @Length(1, 64)
  agentId?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Asked to be called after lunch' })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  note?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'automatic only: data passed to the call; its JSON must be at most 1024 characters.',
    example: { orderId: 'A-1001' },
  })
  // Kept exactly as parsed: class-transformer's copy would drop keys that name Object.prototype
  // methods (toString, valueOf, hasOwnProperty). The JSON parser already refused __proto__ and
  // constructor.prototype, and nesting is bounded by the body's depth limit.
  @Transform(({ obj }: { obj: Record<string, unknown> }) => obj.callData, { toClassOnly: true })
  @IsOptional()
  @IsObject()
  @MaxJsonLength(1024)
  @OnlyWhen((dto: CreateCallbackDto) => dto.mode === 'automatic', 'callData is only for automatic callbacks')
  callData?: Record<string, unknown>;
}

export class CallbackDto {
  @ApiProperty({ example: '174712034211433247704877116507' })
  id!: string;
  @ApiProperty({ example: '1001' })
  campaignId!: string;
  @ApiProperty({ example: '66660001' })
  phoneNumber!: string;
  @ApiProperty({ example: '2026-12-01T10:30:00+05:30' })
  scheduledAt!: string;
  @ApiProperty({ enum: ['manual', 'automatic'] })
  mode!: CallbackMode;
}
