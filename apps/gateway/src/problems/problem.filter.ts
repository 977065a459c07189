import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger, InjectPinoLogger } from 'nestjs-pino';
import type { RequestWithOutcome } from '../idempotency/idempotency-completion';
import { problemTypeBase } from '../http/public-edge';
import { PROBLEM_CONTENT_TYPE, problemFrom } from './problem';
import { toGatewayError } from './to-gateway-error';

/** The one place any failure becomes an answer: problem+json with a catalogue code, never a stack. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@InjectPinoLogger('problems') private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { error, unexpected } = toGatewayError(exception, {
      bodyLimitBytes: request.routeOptions.bodyLimit,
    });
    if (unexpected) {
      this.logger.error({ err: exception, requestId: request.id }, 'unexpected failure');
    } else if (error.status >= 500) {
      this.logger.warn(
        { code: error.code, detail: error.detail, provider: error.provider, requestId: request.id },
        'request failed',
      );
    }
    // Seen by the idempotency completion: such an answer is kept under its key, whatever its status.
    if (error.outcomeUnknown) (request as RequestWithOutcome).outcomeUnknown = true;
    const problem = problemFrom(
      error,
      String(request.id),
      request.url.split('?')[0],
      problemTypeBase(request),
    );
    if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
    void reply.status(problem.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
