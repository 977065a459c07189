import { ApiProperty } from '@nestjs/swagger';

export class CampaignStateDto {
  @ApiProperty({ example: '1001' })
  campaignId!: string;
  @ApiProperty({ enum: ['paused', 'running'] })
  state!: 'paused' | 'running';
}
