import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES } from '@app/core';

export class FieldErrorDto {
  @ApiProperty({ example: 'phoneNumbers[3]' })
  field!: string;
  @ApiProperty({ example: 'must be 1..24 characters of digits, "*" and "#", with one optional leading "+"' })
  message!: string;
}

export class ProviderDetailDto {
  @ApiProperty({ example: 'isales' })
  name!: string;
  @ApiPropertyOptional({ example: '0200007', description: "The vendor's own code, leading zeros kept." })
  code?: string;
  @ApiPropertyOptional({ example: 'The outbound campaign does not exist.' })
  message?: string;
}

/** RFC 9457 problem details, as every error answer carries them. */
export class ProblemDto {
  @ApiProperty({
    example: '/problems/validation_failed',
    description:
      'A stable URL per code, served by the gateway (a short page saying what the code means): absolute under PUBLIC_BASE_URL when that is set, else an absolute path.',
  })
  type!: string;
  @ApiProperty({ example: 'The request is malformed or out of range' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ example: 'phoneNumbers[3]: must be 1..24 characters of digits, "*" and "#"' })
  detail!: string;
  @ApiProperty({ enum: ERROR_CODES, example: 'validation_failed' })
  code!: string;
  @ApiProperty({ example: '6f1c2b7e-4a8d-4c8e-9a51-0c1e3f7d2b10' })
  requestId!: string;
  @ApiPropertyOptional({ example: '/v1/accounts/cn-isales/campaigns/1001/contacts/delete' })
  instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'For 400: every offending field.' })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({
    type: ProviderDetailDto,
    description: "Whenever a vendor's answer caused the error.",
  })
  provider?: ProviderDetailDto;
}
