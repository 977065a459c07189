import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { ReplayStoredResponseFilter } from './replay-stored-response';

/**
 * Idempotency-Key on every mutating /v1 route: the interceptor claims the key around every handler,
 * and the filter (installed by app.factory.ts) replays a stored answer.
 */
@Module({
  providers: [ReplayStoredResponseFilter, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
})
export class IdempotencyModule {}
