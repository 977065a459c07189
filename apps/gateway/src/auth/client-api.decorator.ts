import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ClientThrottlerGuard } from '../throttling/client-throttler.guard';
import { ClientAuthGuard } from './client-auth.guard';

/** A /v1 controller: bearer client key first, then the client's inbound rate limit. */
export function ClientApi(): ClassDecorator {
  return applyDecorators(ApiBearerAuth('client-key'), UseGuards(ClientAuthGuard, ClientThrottlerGuard));
}
