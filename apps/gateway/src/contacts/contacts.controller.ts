import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Client } from '@app/config';
import { ClientApi } from '../auth/client-api.decorator';
import { CurrentClient } from '../auth/current-client.decorator';
import {
  ApiIdempotent,
  ApiProblems,
  COMMON_PROBLEMS,
  IDEMPOTENCY_PROBLEMS,
  VENDOR_PROBLEMS,
} from '../docs/api-problems.decorator';
import { RequestId } from '../http/request-id';
import { DeleteContactsResult } from './contact-request';
import { ContactsService } from './contacts.service';
import { DeleteContactsDto, DeleteContactsResultDto } from './delete-contacts.dto';

@ApiTags('contacts')
@ClientApi()
@Controller('v1/accounts/:accountId/campaigns/:campaignId/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post('delete')
  @ApiIdempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Delete numbers from a campaign',
    description:
      'By a list of numbers, or (iSales) by sessionId, customField or scheduled time. Work that needs exactly one vendor call (one number, or one iSales filter) runs within the request and answers 200. ' +
      'A number the vendor does not have is outcome `not_found`; one it refuses to delete (being called, already called, running task) is `not_deletable`. ' +
      "A call that cannot get the vendor's rate budget within the sync wait (default 10 s) is 429 provider_rate_limited with Retry-After; nothing was sent.",
  })
  @ApiParam({ name: 'accountId', example: 'cn-isales' })
  @ApiParam({ name: 'campaignId', example: '1001' })
  @ApiOkResponse({ type: DeleteContactsResultDto })
  @ApiProblems(
    ...COMMON_PROBLEMS,
    ...IDEMPOTENCY_PROBLEMS,
    'validation_failed',
    'forbidden',
    'account_not_found',
    'campaign_not_found',
    'contact_not_deletable',
    'field_not_supported',
    ...VENDOR_PROBLEMS,
    'operation_not_supported',
    'payload_too_large',
    'unsupported_media_type',
  )
  async delete(
    @CurrentClient() client: Client,
    @Param('accountId') accountId: string,
    @Param('campaignId') campaignId: string,
    @Body() body: DeleteContactsDto,
    @RequestId() requestId: string,
  ): Promise<DeleteContactsResult> {
    return this.contacts.delete(client, accountId, campaignId, body, requestId);
  }
}
