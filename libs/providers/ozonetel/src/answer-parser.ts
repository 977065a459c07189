/**
 * Reads an Ozonetel answer body without trusting its shape. The vendor spells `status` many ways,
 * sometimes says `details` instead of `message`, sometimes sends the JSON inside a JSON string, and a
 * proxy in front of it may send an HTML page: none of that may crash the caller.
 */

export type OzonetelVerdict = 'success' | 'failure' | 'unknown';

export interface OzonetelAnswer {
  /** What `status` says, compared case-insensitively; `unknown` when absent or unrecognised. */
  verdict: OzonetelVerdict;
  /** `status` as sent, for diagnostics. */
  status?: string;
  /** `message`, else `details`, trimmed; absent when empty. */
  message?: string;
  /** Present on token answers. */
  token?: string;
}

export type ParsedAnswer =
  { readable: true; answer: OzonetelAnswer } | { readable: false; excerpt: string; reason: string };

const SUCCESS_STATUSES = new Set(['success', 'true']);
const FAILURE_STATUSES = new Set(['false', 'error', 'fail', 'failure', 'failed']);
const MESSAGE_KEYS = ['message', 'details', 'detail'];
const EXCERPT_LENGTH = 200;
const QUOTE = 0x22;
/** Larger answers are not parsed: no documented answer comes near, and parsing costs time and memory. */
export const MAX_OZONETEL_ANSWER_BYTES = 64 * 1024;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

export function parseOzonetelAnswer(text: string): ParsedAnswer {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_OZONETEL_ANSWER_BYTES) {
    return {
      readable: false,
      excerpt: `(an answer of ${bytes} bytes, not read)`,
      reason: 'the answer is too large',
    };
  }
  const decoded = decode(text);
  if (decoded === undefined) return unreadable(text, 'the answer is not JSON');
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    return unreadable(text, 'the answer is not a JSON object');
  }
  const fields = caseInsensitive(decoded as Record<string, unknown>);
  const status = scalarText(fields.get('status'));
  const message = MESSAGE_KEYS.map((key) => scalarText(fields.get(key))).find((value) => value !== undefined);
  const token = scalarText(fields.get('token'));
  return {
    readable: true,
    answer: {
      verdict: verdictOf(fields.get('status')),
      ...(status !== undefined ? { status } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(token !== undefined ? { token } : {}),
    },
  };
}

/** A short, single-line copy of an answer for error reports (HTML pages can be long). */
export function excerptOf(text: string): string {
  const line = text.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}…` : line;
}

function decode(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return undefined;
  const first = tryJson(trimmed);
  if (first !== undefined) {
    // Documented answers show JSON inside a JSON string; unwrap exactly once.
    return typeof first === 'string' ? tryJson(first.trim()) : first;
  }
  return tryJson(unquoteDoubled(trimmed) ?? '');
}

/**
 * The vendor's pages print some answers spreadsheet-style, `"{""status"": ""Error""}"`; should the
 * wire ever carry that form, undo the quote doubling rather than call a plain answer unreadable.
 */
function unquoteDoubled(text: string): string | undefined {
  if (!text.startsWith('"') || !text.includes('""')) return undefined;
  // Index scans, not /"+$/: that pattern retries from every quote and is quadratic on a long run of
  // quotes that does not end the text (a hostile answer blocked the process for seconds).
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === QUOTE) start++;
  let end = text.length;
  while (end > start && text.charCodeAt(end - 1) === QUOTE) end--;
  const inner = text.slice(start, end).split('""').join('"').trim();
  return inner.startsWith('{') && inner.endsWith('}') ? inner : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function caseInsensitive(record: Record<string, unknown>): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(record)) {
    const lower = key.toLowerCase();
    // An exact-case key wins over a differently cased duplicate.
    if (!fields.has(lower) || key === lower) fields.set(lower, value);
  }
  return fields;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function verdictOf(status: unknown): OzonetelVerdict {
  if (typeof status === 'boolean') return status ? 'success' : 'failure';
  if (typeof status !== 'string') return 'unknown';
  const normalized = status.trim().toLowerCase();
  if (SUCCESS_STATUSES.has(normalized)) return 'success';
  if (FAILURE_STATUSES.has(normalized)) return 'failure';
  return 'unknown';
}

function unreadable(text: string, reason: string): ParsedAnswer {
  return { readable: false, excerpt: excerptOf(text), reason };
}
