import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { StoredResponse } from '@app/store';

/**
 * Thrown by the idempotency interceptor to short-circuit a retried request with the first answer: an
 * exception is the one way out of a Nest interceptor that skips the handler and the response mapping.
 */
export class ReplayStoredResponse extends Error {
  constructor(readonly response: StoredResponse) {
    super('replaying a stored answer');
    this.name = 'ReplayStoredResponse';
  }
}

/** Sends a stored answer exactly as it was first sent, marked as a replay. */
@Catch(ReplayStoredResponse)
export class ReplayStoredResponseFilter implements ExceptionFilter {
  catch(replay: ReplayStoredResponse, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, headers, body } = replay.response;
    void reply
      .status(status)
      .headers({ ...headers, 'Idempotent-Replayed': 'true' })
      .send(body === '' ? undefined : body);
  }
}
