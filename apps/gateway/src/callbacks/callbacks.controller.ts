import { Body, Controller, Delete, HttpCode, Param, Post, Res } from '@nestjs/common';
import { publicLink } from '../http/public-edge';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Callback } from '@app/core';
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
import { CallbackDto, CreateCallbackDto } from './callback.dto';
import { CallbacksService } from './callbacks.service';

@ApiTags('callbacks')
@ApiParam({ name: 'accountId', example: 'cn-isales' })
@ClientApi()
@Controller('v1/accounts/:accountId/callbacks')
export class CallbacksController {
  constructor(private readonly callbacks: CallbacksService) {}

  @Post()
  @ApiIdempotent()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createCallback',
    summary: 'Book a callback (reserved call)',
    description:
      'The vendor is asked once: a create is never retried by the gateway, so send an Idempotency-Key and retry with it. ' +
      "A 502 provider_error whose detail says the callback may exist (iSales 0200006 on create, or a success without a usable id) leaves open whether the vendor booked it: nothing retries it, the answer is kept under its Idempotency-Key like a definite one (a retry with the key gets it again), and the campaign's callbacks should be checked before booking again with a new key.",
  })
  @ApiCreatedResponse({
    type: CallbackDto,
    headers: {
      Location: {
        description: 'The callback: /v1/accounts/{accountId}/callbacks/{id}',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblems(
    ...COMMON_PROBLEMS,
    ...IDEMPOTENCY_PROBLEMS,
    ...VENDOR_PROBLEMS,
    'validation_failed',
    'forbidden',
    'account_not_found',
    'campaign_not_found',
    'phone_number_blocked',
    'invalid_schedule',
    'operation_not_supported',
    ...BODY_PROBLEMS,
  )
  async create(
    @Param('accountId') accountId: string,
    @GrantedAccount('callbacks.create', { bodyIdentifiers: ['campaignId', 'phoneNumber'] })
    target: AccountContext,
    @Body() body: CreateCallbackDto,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Callback> {
    const callback = await this.callbacks.create({ target, callback: body, requestId });
    void reply.header(
      'Location',
      publicLink(
        reply.request,
        `/v1/accounts/${encodeURIComponent(accountId)}/callbacks/${encodeURIComponent(callback.id)}`,
      ),
    );
    return callback;
  }

  @Delete(':callbackId')
  @ApiIdempotent()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'cancelCallback',
    summary: 'Cancel a callback',
    description: 'Refused (409 callback_in_progress) while its call is being placed.',
  })
  @ApiParam({ name: 'callbackId', example: '174712034211433247704877116507' })
  @ApiNoContentResponse({ description: 'Cancelled.' })
  @ApiProblems(
    ...COMMON_PROBLEMS,
    ...IDEMPOTENCY_PROBLEMS,
    ...VENDOR_PROBLEMS,
    'validation_failed',
    'forbidden',
    'account_not_found',
    'callback_not_found',
    'callback_in_progress',
    'operation_not_supported',
    ...BODY_PROBLEMS,
  )
  async cancel(
    @Param('accountId') _accountId: string,
    @GrantedAccount('callbacks.cancel') target: AccountContext,
    @Param('callbackId') callbackId: string,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.callbacks.cancel({ target, callbackId, requestId });
  }
}
