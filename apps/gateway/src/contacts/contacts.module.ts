import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';

/**
 * Delete numbers from a campaign: within the request, or as a bulk operation. OperationsService comes
 * from OperationsModule, which is global (see there for why it is not imported here).
 */
@Module({
  imports: [AccountsModule],
  controllers: [ContactsController],
  providers: [ContactsService],
})
export class ContactsModule {}
