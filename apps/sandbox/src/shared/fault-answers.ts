import { FaultSpec } from './faults';
import { htmlAnswer, jsonAnswer, VendorAnswer } from './vendor-call';

/** What a misbehaving proxy or vendor front end typically sends instead of the API's JSON. */
const ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error</h1><p>The server encountered an unexpected condition.</p></body></html>
`;

const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html><head><title>Service notice</title></head>
<body><h1>We'll be back soon</h1><p>The service is under maintenance.</p></body></html>
`;

/**
 * Answers for the fault kinds that look the same on both vendors. `slow` and `reset` are not answers
 * (the pipeline handles them) and `rateLimited` / `tokenExpired` bodies are vendor specific. `answer`
 * replays a documented answer verbatim, for cases a well-behaved client never provokes (a missing
 * apiKey header, several numbers in one call).
 */
export function commonFaultAnswer(fault: FaultSpec): VendorAnswer | undefined {
  switch (fault.kind) {
    case 'answer':
      return { status: fault.status ?? 200, text: fault.body ?? '', contentType: 'application/json' };
    case 'status500':
      return htmlAnswer(500, ERROR_PAGE);
    case 'html':
      return htmlAnswer(200, MAINTENANCE_PAGE);
    case 'garbageJson':
      return jsonAnswer(200, { unexpected: true });
    default:
      return undefined;
  }
}
