import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'nestjs-pino';
import { StoreBundle, StoredResponse } from '@app/store';
import type { RequestWithClaim } from './idempotency.interceptor';

/** Headers a replay must repeat; everything else (request id, dates) belongs to the new answer. */
const REPLAYED_HEADERS = ['content-type', 'location', 'retry-after'];

/**
 * Transient answers are not recorded, so the caller can retry with the same key: rate limits, and
 * failures of the vendor, the store or the gateway itself. 501 is a fact about the provider, kept.
 */
export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/**
 * Set by the problem filter when the failure leaves open whether the vendor did a non-idempotent
 * request (a create): that answer is recorded like a definite one, so a retry with the same key is
 * replayed instead of sent to the vendor again.
 */
export type RequestWithOutcome = FastifyRequest & { outcomeUnknown?: boolean };

/**
 * Finishes a request's idempotency claim once Fastify has the final answer, whatever produced it
 * (handler, validation, exception filter): records it for replay, or releases the key.
 */
export function registerIdempotencyCompletion(
  fastify: FastifyInstance,
  store: StoreBundle,
  retentionMs: number,
  logger: Logger,
): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const claim = (request as unknown as RequestWithClaim).idempotencyClaim;
    if (!claim) return payload;
    (request as unknown as RequestWithClaim).idempotencyClaim = undefined;
    clearInterval(claim.renewal);
    try {
      if (isTransientStatus(reply.statusCode) && !(request as RequestWithOutcome).outcomeUnknown) {
        await store.idempotency.release(claim.scope, claim.token);
      } else {
        const response: StoredResponse = {
          status: reply.statusCode,
          headers: Object.fromEntries(
            REPLAYED_HEADERS.flatMap((name) => {
              const value = reply.getHeader(name);
              return value === undefined ? [] : [[name, String(value)]];
            }),
          ),
          body:
            typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
        };
        if (!(await store.idempotency.complete(claim.scope, claim.token, response, retentionMs))) {
          logger.warn(
            { requestId: request.id },
            'idempotency claim was lost before the answer could be recorded',
          );
        }
      }
    } catch (error) {
      // The answer stands; the key stays claimed until its lease ends, then a retry runs again.
      logger.error({ err: error, requestId: request.id }, 'could not record the idempotent answer');
    }
    return payload;
  });
}
