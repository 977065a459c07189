import { isRecord } from './shape';

export const FAULT_KINDS = [
  'slow',
  'status500',
  'html',
  'reset',
  'rateLimited',
  'tokenExpired',
  'garbageJson',
  'answer',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** Substring of the raw URL path; absent matches every vendor route. */
  path?: string;
  /** Compared case-insensitively; absent matches every method. */
  method?: string;
  /** For `slow` only. */
  delayMs?: number;
  /** How many requests it hits; 0 means until cleared. */
  times: number;
  /** For `answer` only: the HTTP status and the exact body text to send, as a vendor page prints it. */
  status?: number;
  body?: string;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Hits left; null when it lasts until cleared. */
  remaining: number | null;
}

const DEFAULT_SLOW_DELAY_MS = 1000;

/** Reads a `POST /__sandbox/faults` body; returns an error sentence instead of throwing. */
export function readFaultSpec(body: unknown, supported: readonly FaultKind[]): FaultSpec | string {
  if (!isRecord(body)) return 'body must be a JSON object';
  const kind = FAULT_KINDS.find((candidate) => candidate === body.kind);
  if (kind === undefined) return `kind must be one of ${FAULT_KINDS.join(', ')}`;
  if (!supported.includes(kind)) return `kind ${kind} is not supported by this vendor`;
  if (body.path !== undefined && typeof body.path !== 'string') return 'path must be a string';
  if (body.method !== undefined && typeof body.method !== 'string') return 'method must be a string';
  const times = body.times ?? 1;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) {
    return 'times must be a non-negative integer';
  }
  const delayMs = body.delayMs ?? (kind === 'slow' ? DEFAULT_SLOW_DELAY_MS : undefined);
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0)) {
    return 'delayMs must be a non-negative number';
  }
  const spec: FaultSpec = { kind, times };
  if (kind === 'answer') {
    const { status, body: text } = body;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      return 'status must be an HTTP status for an answer fault';
    }
    if (typeof text !== 'string') return 'body must be the answer text for an answer fault';
    spec.status = status;
    spec.body = text;
  }
  if (body.path !== undefined) spec.path = body.path;
  if (body.method !== undefined) spec.method = body.method.toUpperCase();
  if (delayMs !== undefined) spec.delayMs = delayMs;
  return spec;
}

/** The faults armed on one vendor server; the first armed fault that matches a request wins. */
export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = {
      ...spec,
      id: `fault-${this.nextId++}`,
      remaining: spec.times === 0 ? null : spec.times,
    };
    this.faults.push(fault);
    return { ...fault };
  }

  /** Finds the fault for this request and uses up one of its hits. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        (candidate.method === undefined || candidate.method === method.toUpperCase()) &&
        (candidate.path === undefined || path.includes(candidate.path)),
    );
    if (fault === undefined) return undefined;
    if (fault.remaining !== null) {
      fault.remaining--;
      if (fault.remaining === 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    }
    return { ...fault };
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }
}
