import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProviderDetailDto } from '../problems/problem.dto';

/*
 * One number's outcome, in a contacts delete's answer and in an operation's results. Here rather than
 * in contacts/, which builds on operations/, so that operations/ imports nothing of contacts/
 * (feature-imports.spec.ts keeps it so).
 */

export class ContactErrorDto {
  @ApiProperty({ example: 'contact_not_deletable' })
  code!: string;
  @ApiProperty({ example: 'The number cannot be deleted in its current state' })
  detail!: string;
  @ApiPropertyOptional({
    type: ProviderDetailDto,
    example: { name: 'isales', code: '0200028' },
    description: "Whenever a vendor's answer caused the outcome.",
  })
  provider?: { name: string; code?: string; message?: string };
}

export class ContactResultDto {
  @ApiPropertyOptional({ example: '66660001' })
  phoneNumber?: string;
  @ApiProperty({ enum: ['deleted', 'not_found', 'not_deletable', 'failed'] })
  outcome!: string;
  @ApiPropertyOptional({ type: ContactErrorDto })
  error?: ContactErrorDto;
  @ApiPropertyOptional({
    enum: ['batch'],
    description:
      "Only on `deleted`, for numbers of an operation sent through the vendor's batch delete (Ozonetel DeleteBulkData, on accounts with `bulkDelete`). The vendor confirms the batch as a whole, not each number: a number it did not have is reported `deleted` too, not `not_found`. Without `via`, the number had a call of its own and its outcome is the vendor's word about it.",
  })
  via?: 'batch';
}
