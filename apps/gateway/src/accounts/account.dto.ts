import { ApiProperty } from '@nestjs/swagger';
import { CAPABILITIES } from '@app/core';

export class AccountDto {
  @ApiProperty({ example: 'cn-isales' })
  id!: string;
  @ApiProperty({ enum: ['isales', 'ozonetel'] })
  provider!: string;
  @ApiProperty({ enum: CAPABILITIES, isArray: true, description: 'What this client may do on the account.' })
  capabilities!: string[];
}

export class AccountListDto {
  @ApiProperty({ type: [AccountDto] })
  items!: AccountDto[];
}

export class ProviderDto {
  @ApiProperty({ enum: ['isales', 'ozonetel'] })
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
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderDto] })
  items!: ProviderDto[];
}
