import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ContactErrorDto, ContactResultDto } from './contact-result.dto';

export class OperationProgressDto {
  @ApiProperty({ example: 5000 })
  total!: number;
  @ApiProperty({ example: 1200, description: 'Numbers with an outcome so far.' })
  processed!: number;
  @ApiProperty({ example: 1100 })
  deleted!: number;
  @ApiProperty({ example: 80 })
  notFound!: number;
  @ApiProperty({ example: 15 })
  notDeletable!: number;
  @ApiProperty({ example: 5 })
  failed!: number;
}

export class OperationDto {
  @ApiProperty({ example: '0b5c5f0e-6a5e-4a3d-9a53-3c8a7c1f2e10' })
  id!: string;
  @ApiProperty({ example: 'in-ozonetel' })
  accountId!: string;
  @ApiProperty({ example: 'Renewals_Q4' })
  campaignId!: string;
  @ApiProperty({ enum: ['contacts.delete'] })
  type!: 'contacts.delete';
  @ApiProperty({
    enum: ['queued', 'running', 'completed', 'cancelled', 'failed'],
    description:
      '`completed`: every number was tried (see the counts). `failed`: stopped early for a reason that applies to all numbers, in `error`. `cancelled`: numbers not yet sent stay untouched.',
  })
  status!: string;
  @ApiProperty({ type: OperationProgressDto })
  progress!: OperationProgressDto;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' })
  createdAt!: string;
  @ApiProperty({ example: '2026-11-23T10:12:00.000Z' })
  updatedAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-23T10:50:00.000Z',
    description:
      "When the remaining numbers should be done: this operation's numbers, plus as many of every other operation waiting on the account (they take turns), at the account's whole rate budget (interactive calls take grants before bulk work, so a busy account finishes later). Never before now while the operation waits; null once it has ended.",
  })
  estimatedCompletionAt!: string | null;
  @ApiPropertyOptional({ type: ContactErrorDto, description: 'Why a failed operation stopped.' })
  error?: ContactErrorDto;
}

export class OperationResultsQuery {
  @ApiPropertyOptional({ enum: ['deleted', 'not_found', 'not_deletable', 'failed'] })
  @IsOptional()
  @IsIn(['deleted', 'not_found', 'not_deletable', 'failed'])
  outcome?: 'deleted' | 'not_found' | 'not_deletable' | 'failed';

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class OperationResultsDto {
  @ApiProperty({
    type: [ContactResultDto],
    description: 'Outcomes in the order the numbers were given (duplicates removed).',
  })
  items!: ContactResultDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last.',
  })
  nextCursor!: string | null;
}
