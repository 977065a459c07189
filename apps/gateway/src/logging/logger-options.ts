import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { logShape } from './log-shape';
import { withNotes } from './request-line-notes';

/** Headers that carry credentials; they never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.apikey',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/** Structured JSON logs with the request id of the answer on every line of the request. */
export function loggerOptions(level = process.env.LOG_LEVEL ?? 'info', stream?: DestinationStream): Params {
  const pinoHttp: Options = {
    level,
    ...logShape(),
    // The id was chosen by Fastify (requestIdFor) and put on the raw request.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    autoLogging: {
      ignore: (req: IncomingMessage & { originalUrl?: string }) =>
        /^\/(health|metrics)/.test(req.originalUrl ?? req.url ?? ''),
    },
    // Known once the key was checked (see client-authentication.hook.ts); the answer's line has it.
    customProps: (req: IncomingMessage) => {
      const clientId = (req as IncomingMessage & { clientId?: string }).clientId;
      return clientId === undefined ? {} : { clientId };
    },
    // The request's vendor exchanges (and any other notes) go on its one line (request-line-notes.ts).
    customSuccessObject: (req: IncomingMessage, _res: unknown, fields: object) => withNotes(req, fields),
    customErrorObject: (req: IncomingMessage, _res: unknown, _error: unknown, fields: object) =>
      withNotes(req, fields),
    serializers: {
      req: (req: { id?: string; method?: string; url?: string; raw?: { clientAddress?: string } }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        // The client's address, through the trusted proxies (http/public-edge.ts).
        remoteAddress: req.raw?.clientAddress,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return {
    // nestjs-pino 5's default route, `{/*splat}`, matches nothing on NestJS 12's Fastify adapter, which
    // would leave requests without their "request completed" line and every line of a request without
    // its id. `{*path}` is every path, the root included.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: stream ? [pinoHttp, stream] : pinoHttp,
  };
}
