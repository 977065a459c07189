import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
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
import { BulkBody } from '../http/body-limits';
import { publicLink } from '../http/public-edge';
import { RequestId } from '../http/request-id';
import { DeleteContactsResult } from '../operations/contact-results';
import { OperationDto } from '../operations/operation.dto';
import { OperationsService, OperationView } from '../operations/operations.service';
import { parsePrefer } from '../operations/prefer-header';
import { ContactsService } from './contacts.service';
import { DeleteContactsDto, DeleteContactsResultDto } from './delete-contacts.dto';

@ApiTags('contacts')
@ClientApi()
@Controller('v1/accounts/:accountId/campaigns/:campaignId/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly operations: OperationsService,
  ) {}

  @Post('delete')
  @BulkBody()
  @ApiIdempotent()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'deleteContacts',
    summary: 'Delete numbers from a campaign',
    description:
      'By a list of numbers, or (iSales) by sessionId, customField or scheduled time: exactly one of these selectors per request. ' +
      'None, or two or more (a list of numbers with a customField, say), is 400 validation_failed naming each selector field given (or all four when none is), and nothing is sent: ' +
      'how a vendor combines selectors is undocumented, and a destructive call must not guess. ' +
      "`scheduledTime.at` is converted to the account's `timeZone` (the iSales server's zone, default UTC) before sending. " +
      'Work that needs exactly one vendor call (one number, or one iSales filter) runs within the request and answers 200. ' +
      'A number the vendor does not have is outcome `not_found`; one it refuses to delete (being called, already called, running task) is `not_deletable`. ' +
      "A call that cannot get the vendor's rate budget within the sync wait (default 10 s) is 429 provider_rate_limited with Retry-After; nothing was sent. " +
      'A list that needs more than one vendor call becomes an operation: 202, `Location: /v1/operations/{id}`, body `Operation`; poll it, page its results, or cancel it. ' +
      '`Prefer: wait=N` (N up to 60) holds the answer up to N seconds and answers 200 with the result (and `operationId`) if the operation completed by then. ' +
      '`Prefer: respond-async` always answers 202 for a list of numbers, even of one (a filter delete is one call and always answers 200). `Preference-Applied` says which was honoured. ' +
      'Bulk work shares the account fairly: single calls come first, operations take every grant no single call waits for, and the clients with operations on the account take turns grant by grant. ' +
      'A client may have `settings.maxActiveOperationsPerClient` (default 20) queued or running operations, and an account `settings.maxQueuedNumbersPerAccount` (default 2,000,000) numbers waiting over all its operations; ' +
      'past either, the list is refused with 429 `operation_quota_exceeded` (the detail names the limit and the count; nothing is stored or sent).',
  })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: 'RFC 7240: `respond-async`, or `wait=N` (seconds, at most 60).',
    schema: { type: 'string', example: 'wait=10' },
  })
  @ApiAcceptedResponse({
    type: OperationDto,
    description: 'The work continues as an operation.',
    headers: {
      Location: {
        description:
          'The operation: /v1/operations/{id}, under the public base URL (PUBLIC_BASE_URL, or the prefix a trusted proxy announced)',
        schema: { type: 'string' },
      },
      'Preference-Applied': {
        description: 'respond-async or wait=N, when honoured',
        schema: { type: 'string' },
      },
    },
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
    'operation_quota_exceeded',
    'contact_not_deletable',
    'field_not_supported',
    ...VENDOR_PROBLEMS,
    'operation_not_supported',
    'store_unavailable',
    ...BODY_PROBLEMS,
  )
  async delete(
    @Param('accountId') _accountId: string,
    @GrantedAccount('contacts.delete') target: AccountContext,
    @Param('campaignId') campaignId: string,
    @Body() body: DeleteContactsDto,
    @RequestId() requestId: string,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeleteContactsResult | OperationView> {
    const preferences = parsePrefer(prefer);
    const deletion = await this.contacts.delete({
      target,
      campaignId,
      deletion: body,
      requestId,
      preferAsync: preferences.respondAsync,
    });
    if (deletion.kind === 'done') return deletion.result;

    let operation = deletion.operation;
    void reply.header('Location', publicLink(reply.request, `/v1/operations/${operation.id}`));
    if (preferences.respondAsync) {
      void reply.header('Preference-Applied', 'respond-async');
    } else if (preferences.waitSeconds !== undefined) {
      void reply.header('Preference-Applied', `wait=${preferences.waitSeconds}`);
      operation = await this.operations.waitForEnd(operation, preferences.waitSeconds);
      if (operation.status === 'completed') return this.operations.summary(operation);
    }
    void reply.status(202);
    return this.operations.view(operation);
  }
}
