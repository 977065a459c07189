import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client } from '@app/config';
import { AccountAccess } from '../auth/account-access';
import { ClientApi } from '../auth/client-api.decorator';
import { CurrentClient } from '../auth/current-client.decorator';
import { ApiProblems, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { PROVIDER_REGISTRY } from '../providers/provider-registry';
import { AccountListDto, ProviderListDto } from './account.dto';
import { AccountRegistry } from './account-registry';

@ApiTags('accounts')
@ApiProblems(...COMMON_PROBLEMS)
@ClientApi()
@Controller('v1')
export class AccountsController {
  constructor(
    private readonly access: AccountAccess,
    private readonly registry: AccountRegistry,
  ) {}

  @Get('accounts')
  @ApiOperation({
    operationId: 'listAccounts',
    description:
      'Each account with its provider and the capabilities this client holds there; accounts not granted are not listed. Never a credential.',
    summary: 'The accounts this client may use, with what it may do on each; never a secret',
  })
  @ApiOkResponse({ type: AccountListDto })
  accounts(@CurrentClient() client: Client): AccountListDto {
    return {
      items: this.access.visibleTo(client).map(({ account, capabilities }) => ({
        id: account.id,
        provider: account.descriptor.name,
        capabilities,
        bulkDelete: account.batch
          ? { enabled: true, rateLimit: account.batch.rateLimit, numbersPerCall: account.batch.maxNumbers }
          : { enabled: false },
      })),
    };
  }

  @Get('providers')
  @ApiOperation({
    operationId: 'listProviders',
    description:
      "Every provider the gateway speaks, with its capabilities and the vendor's documented limits (numbers, rate budget).",
    summary: 'The providers the gateway speaks, their capabilities and documented limits',
  })
  @ApiOkResponse({ type: ProviderListDto })
  providers(): ProviderListDto {
    return {
      items: Object.values(PROVIDER_REGISTRY).map(({ descriptor }) => ({
        name: descriptor.name,
        capabilities: [...descriptor.capabilities],
        limits: descriptor.limits,
        bulkDelete: {
          available: descriptor.batchDelete !== undefined,
          enabled: this.registry
            .all()
            .some((account) => account.descriptor.name === descriptor.name && account.batch),
        },
      })),
    };
  }
}
