import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Client } from '@app/config';
import { ClientApi } from '../auth/client-api.decorator';
import { CurrentClient } from '../auth/current-client.decorator';
import {
  ApiIdempotent,
  ApiProblems,
  BODY_PROBLEMS,
  COMMON_PROBLEMS,
  IDEMPOTENCY_PROBLEMS,
} from '../docs/api-problems.decorator';
import { OperationDto, OperationResultsDto, OperationResultsQuery } from './operation.dto';
import { OperationsService, OperationView } from './operations.service';

@ApiTags('operations')
@ApiParam({ name: 'id', description: 'The operation id from the 202 answer (Location).' })
@ClientApi()
@Controller('v1/operations/:id')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get()
  @ApiOperation({
    operationId: 'getOperation',
    summary: 'Progress of a bulk operation',
    description:
      "Visible only to clients granted its account. An operation lives in the gateway's Redis: it survives restarts of the gateway, and of Redis when Redis persists its data (append-only file). `404 operation_not_found` means nothing is known of it: a wrong id, past its retention, or lost with the store's data (Redis restarted without persistence); the gateway sends none of its numbers any more (those in flight when it was lost may have reached the vendor), so check the campaign and send what is left again. An operation is never reported `completed` unless every number has an outcome. An active operation that lost its queued work while its record survived (Redis restored from an older snapshot) is found within about twice `settings.operationLockMs` and resumes: numbers sent after that snapshot are sent again, and one the vendor no longer has is recorded as `not_found`.",
  })
  @ApiOkResponse({ type: OperationDto })
  @ApiProblems(...COMMON_PROBLEMS, 'operation_not_found', 'store_unavailable')
  async get(@CurrentClient() client: Client, @Param('id') id: string): Promise<OperationView> {
    return this.operations.view(await this.operations.find(client, id));
  }

  @Get('results')
  @ApiOperation({
    operationId: 'listOperationResults',
    summary: "Each number's outcome, in the order given",
    description: 'Cursor paging: pass `nextCursor` as `cursor` until it is null. `outcome` keeps one kind.',
  })
  @ApiOkResponse({ type: OperationResultsDto })
  @ApiProblems(...COMMON_PROBLEMS, 'validation_failed', 'operation_not_found', 'store_unavailable')
  async results(
    @CurrentClient() client: Client,
    @Param('id') id: string,
    @Query() query: OperationResultsQuery,
  ) {
    return this.operations.results(client, id, query);
  }

  @Post('cancel')
  @HttpCode(200)
  @ApiIdempotent()
  @ApiOperation({
    operationId: 'cancelOperation',
    summary: 'Stop a bulk operation',
    description:
      'Sending stops at once: calls already at the vendor finish and are recorded; numbers not yet sent stay untouched. Cancelling an ended operation changes nothing and answers it as it is.',
  })
  @ApiOkResponse({ type: OperationDto })
  @ApiProblems(
    ...COMMON_PROBLEMS,
    ...IDEMPOTENCY_PROBLEMS,
    ...BODY_PROBLEMS,
    'forbidden',
    'operation_not_found',
  )
  async cancel(@CurrentClient() client: Client, @Param('id') id: string): Promise<OperationView> {
    return this.operations.view(await this.operations.cancel(client, id));
  }
}
