import { Controller, Delete, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ClientApi } from '../auth/client-api.decorator';
import { AccountContext } from '../auth/account-context';
import { GrantedAccount } from '../auth/granted-account.decorator';
import {
  ApiIdempotent,
  ApiProblems,
  BODY_PROBLEMS,
  COMMON_PROBLEMS,
  IDEMPOTENCY_PROBLEMS,
  VENDOR_PROBLEMS,
} from '../docs/api-problems.decorator';
import { RequestId } from '../http/request-id';
import { CampaignStateDto } from './campaign-state.dto';
import { CampaignsService } from './campaigns.service';

class DeleteCampaignQuery {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'archive must be true or false' })
  archive?: 'true' | 'false';
}

/** What every campaign route can answer; each route adds its own (one ApiProblems per route). */
const CAMPAIGN_PROBLEMS = [
  ...COMMON_PROBLEMS,
  ...VENDOR_PROBLEMS,
  ...IDEMPOTENCY_PROBLEMS,
  ...BODY_PROBLEMS,
  'forbidden',
  'account_not_found',
  'campaign_not_found',
  'operation_not_supported',
] as const;

@ApiTags('campaigns')
@ApiParam({ name: 'accountId', example: 'cn-isales' })
@ApiParam({
  name: 'campaignId',
  description:
    "The provider's campaign identity: iSales' numeric id, Ozonetel's campaign name (URL-encoded).",
  example: '1001',
})
@ClientApi()
@Controller('v1/accounts/:accountId/campaigns/:campaignId')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Delete()
  @ApiIdempotent()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteCampaign',
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
  @ApiProblems(...CAMPAIGN_PROBLEMS, 'campaign_running')
  async delete(
    @Param('accountId') _accountId: string,
    @GrantedAccount('campaigns.delete') target: AccountContext,
    @Param('campaignId') campaignId: string,
    @Query() query: DeleteCampaignQuery,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.campaigns.delete({ target, campaignId, archive: query.archive === 'true', requestId });
  }

  @Post('pause')
  @ApiIdempotent()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'pauseCampaign',
    description:
      'iSales only (Ozonetel is 501 operation_not_supported, nothing sent). A campaign already paused is 409 campaign_state_conflict.',
    summary: 'Pause a running campaign',
  })
  @ApiOkResponse({ type: CampaignStateDto })
  @ApiProblems(...CAMPAIGN_PROBLEMS, 'campaign_state_conflict')
  async pause(
    @Param('accountId') _accountId: string,
    @GrantedAccount('campaigns.pause') target: AccountContext,
    @Param('campaignId') campaignId: string,
    @RequestId() requestId: string,
  ): Promise<CampaignStateDto> {
    await this.campaigns.pause({ target, campaignId, requestId });
    return { campaignId, state: 'paused' };
  }

  @Post('resume')
  @ApiIdempotent()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resumeCampaign',
    description:
      'iSales only (Ozonetel is 501 operation_not_supported, nothing sent). A campaign already running is 409 campaign_state_conflict.',
    summary: 'Resume a paused campaign',
  })
  @ApiOkResponse({ type: CampaignStateDto })
  @ApiProblems(...CAMPAIGN_PROBLEMS, 'campaign_state_conflict')
  async resume(
    @Param('accountId') _accountId: string,
    @GrantedAccount('campaigns.resume') target: AccountContext,
    @Param('campaignId') campaignId: string,
    @RequestId() requestId: string,
  ): Promise<CampaignStateDto> {
    await this.campaigns.resume({ target, campaignId, requestId });
    return { campaignId, state: 'running' };
  }
}
