import { Module } from '@nestjs/common';
import { AccountAccess } from '../auth/account-access';
import { CallContexts } from '../http/call-contexts';
import { AccountRegistry } from './account-registry';
import { AccountsController } from './accounts.controller';

/**
 * The configured accounts, one adapter each, and who may use them for what. Exported to every
 * feature that calls an account, with the call context a request hands the adapter.
 */
@Module({
  controllers: [AccountsController],
  providers: [AccountRegistry, AccountAccess, CallContexts],
  exports: [AccountRegistry, AccountAccess, CallContexts],
})
export class AccountsModule {}
