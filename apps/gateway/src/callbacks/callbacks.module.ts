import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallbacksController } from './callbacks.controller';
import { CallbacksService } from './callbacks.service';

/** Book and cancel reserved callbacks. */
@Module({
  imports: [AccountsModule],
  controllers: [CallbacksController],
  providers: [CallbacksService],
})
export class CallbacksModule {}
