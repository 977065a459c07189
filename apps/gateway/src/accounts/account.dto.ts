import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CAPABILITIES } from '@app/core';
import { PROVIDER_NAMES } from '../providers/provider-registry';

export class BulkDeleteStateDto {
  @ApiProperty({ description: "Whether bulk operations on this account also use the vendor's batch delete." })
  enabled!: boolean;
  @ApiPropertyOptional({
    description: 'The batch call budget, when enabled.',
    example: { limit: 2, windowMs: 60000 },
  })
  rateLimit?: { limit: number; windowMs: number };
  @ApiPropertyOptional({ description: 'Numbers per batch call, when enabled.', example: 100 })
  numbersPerCall?: number;
}

export class AccountDto {
  @ApiProperty({ example: 'cn-isales' })
  id!: string;
  @ApiProperty({ enum: PROVIDER_NAMES })
  provider!: string;
  @ApiProperty({ enum: CAPABILITIES, isArray: true, description: 'What this client may do on the account.' })
  capabilities!: string[];
  @ApiProperty({
    type: BulkDeleteStateDto,
    description:
      "Whether the account's bulk operations also send numbers through the vendor's batch delete (Ozonetel DeleteBulkData), and its budget.",
  })
  bulkDelete!: BulkDeleteStateDto;
}

export class AccountListDto {
  @ApiProperty({ type: [AccountDto] })
  items!: AccountDto[];
}

export class ProviderDto {
  @ApiProperty({ enum: PROVIDER_NAMES })
  name!: string;
  @ApiProperty({ enum: CAPABILITIES, isArray: true })
  capabilities!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The vendor's documented limits (rate budget, numbers per call, field lengths).",
    example: { rateLimit: { limit: 100, windowMs: 60000 }, numbersPerCall: 1 },
  })
  limits!: Record<string, unknown>;
  @ApiProperty({
    description:
      'Whether the provider has a batch delete (`available`) and whether any configured account turned it on (`enabled`).',
    example: { available: true, enabled: true },
  })
  bulkDelete!: { available: boolean; enabled: boolean };
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderDto] })
  items!: ProviderDto[];
}
