import { Controller, Delete, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Client } from '@app/config';
import { ClientAuthGuard } from '../auth/client-auth.guard';
import { CurrentClient } from '../auth/current-client.decorator';
import { ApiProblems, COMMON_PROBLEMS, VENDOR_PROBLEMS } from '../docs/api-problems.decorator';
import { RequestId } from '../http/request-id';
import { CampaignStateDto } from './campaign-state.dto';
import { CampaignsService } from './campaigns.service';

class DeleteCampaignQuery {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'archive must be true or false' })
  archive?: 'true' | 'false';
}

@ApiTags('campaigns')
@ApiBearerAuth('client-key')
@ApiParam({ name: 'accountId', example: 'cn-isales' })
@ApiParam({
  name: 'campaignId',
  description:
    "The provider's campaign identity: iSales' numeric id, Ozonetel's campaign name (URL-encoded).",
  example: '1001',
})
@ApiProblems(
  ...COMMON_PROBLEMS,
  ...VENDOR_PROBLEMS,
  'validation_failed',
  'forbidden',
  'account_not_found',
  'campaign_not_found',
  'operation_not_supported',
)
@UseGuards(ClientAuthGuard)
@Controller('v1/accounts/:accountId/campaigns/:campaignId')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a campaign',
    description: 'Refused (409 campaign_running) while the campaign runs.',
  })
  @ApiQuery({
    name: 'archive',
    required: false,
    enum: ['true', 'false'],
    description: 'Keep the campaign in the history table (iSales archiveHistory). Default false.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('campaign_running')
  async delete(
    @CurrentClient() client: Client,
    @Param('accountId') accountId: string,
    @Param('campaignId') campaignId: string,
    @Query() query: DeleteCampaignQuery,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.campaigns.delete(client, accountId, campaignId, query.archive === 'true', requestId);
  }

  @Post('pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a running campaign' })
  @ApiOkResponse({ type: CampaignStateDto })
  @ApiProblems('campaign_state_conflict')
  async pause(
    @CurrentClient() client: Client,
    @Param('accountId') accountId: string,
    @Param('campaignId') campaignId: string,
    @RequestId() requestId: string,
  ): Promise<CampaignStateDto> {
    await this.campaigns.pause(client, accountId, campaignId, requestId);
    return { campaignId, state: 'paused' };
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused campaign' })
  @ApiOkResponse({ type: CampaignStateDto })
  @ApiProblems('campaign_state_conflict')
  async resume(
    @CurrentClient() client: Client,
    @Param('accountId') accountId: string,
    @Param('campaignId') campaignId: string,
    @RequestId() requestId: string,
  ): Promise<CampaignStateDto> {
    await this.campaigns.resume(client, accountId, campaignId, requestId);
    return { campaignId, state: 'running' };
  }
}
