import type { IncomingMessage } from 'node:http';
import { context, createContextKey } from '@opentelemetry/api';

/** What a vendor exchange made for a request adds to that request's line. */
export interface VendorExchangeNote {
  provider: string;
  account: string;
  method: string;
  path: string;
  status?: number;
  errorCode?: string;
  durationMs: number;
}

/** One request's notes, until its line is written. */
interface RequestLineNotes {
  vendor: VendorExchangeNote[];
  written: boolean;
}

const NOTES = createContextKey('campaign-gateway.request-line-notes');
const NOTES_OF_REQUEST = Symbol('campaign-gateway.request-line-notes');

type NotedRequest = IncomingMessage & { [NOTES_OF_REQUEST]?: RequestLineNotes };

/**
 * Runs a request's handling with a place for notes that go on the request's own log line ("request
 * completed"), so a request writes one line, not one per thing it did. The place travels in the
 * request's async context (OpenTelemetry's, which the server span already rides on).
 */
export function withRequestLineNotes(req: IncomingMessage, handle: () => void): void {
  const notes: RequestLineNotes = { vendor: [], written: false };
  (req as NotedRequest)[NOTES_OF_REQUEST] = notes;
  context.with(context.active().setValue(NOTES, notes), handle);
}

/**
 * Puts a vendor exchange on the line of the request being handled. False when there is no such
 * line to come (no request, or its line was written already): the caller then logs it on its own.
 */
export function noteVendorExchange(note: VendorExchangeNote): boolean {
  const notes = context.active().getValue(NOTES) as RequestLineNotes | undefined;
  if (!notes || notes.written) return false;
  notes.vendor.push(note);
  return true;
}

/** The request line's fields with the request's notes added; later notes go on lines of their own. */
export function withNotes<T extends object>(
  req: IncomingMessage,
  fields: T,
): T & { vendor?: VendorExchangeNote[] } {
  const notes = (req as NotedRequest)[NOTES_OF_REQUEST];
  if (!notes) return fields;
  notes.written = true;
  return notes.vendor.length === 0 ? fields : { ...fields, vendor: notes.vendor };
}
