/** One request to a vendor route, as the gateway's tests see it through `GET /__sandbox/calls`. */
export interface CallRecord {
  /** Arrival order, starting at 1 after a reset. */
  seq: number;
  /** Epoch ms when the sandbox decided the answer (for Ozonetel: the rate limiter's clock reading). */
  at: number;
  method: string;
  /** Raw path as received, without the query. */
  path: string;
  query: Record<string, string>;
  /** iSales access key or Ozonetel userName, when the request names one. */
  account?: string;
  /** Parsed JSON, or the raw text when it is not JSON, or null when there was no body. */
  body: unknown;
  /** 0 when the connection was destroyed without an answer (`reset` fault). */
  status: number;
  /** Parsed JSON answer, or raw text for HTML pages, or null for an empty answer. */
  response: unknown;
  rateLimited: boolean;
  fault?: string;
  /** The W3C `traceparent` header the request carried, for the gateway's tracing tests. */
  traceparent?: string;
}

/** Handed out on arrival; a ticket from before a clear is ignored so late answers do not reappear. */
export interface CallTicket {
  seq: number;
  generation: number;
}

export class CallLog {
  private records: CallRecord[] = [];
  private nextSeq = 1;
  private generation = 0;

  /** Takes a sequence number on arrival, so slow answers still list in arrival order. */
  open(): CallTicket {
    return { seq: this.nextSeq++, generation: this.generation };
  }

  close(ticket: CallTicket, record: Omit<CallRecord, 'seq'>): void {
    if (ticket.generation !== this.generation) return;
    const entry: CallRecord = { seq: ticket.seq, ...record };
    let index = this.records.length;
    while (index > 0 && this.records[index - 1].seq > entry.seq) index--;
    this.records.splice(index, 0, entry);
  }

  list(): CallRecord[] {
    return structuredClone(this.records);
  }

  /** Forgets the recorded calls; numbering carries on so a seq is never reused within a run. */
  clear(): void {
    this.records = [];
    this.generation++;
  }

  /** Back to an empty log numbered from 1, as at start. */
  reset(): void {
    this.clear();
    this.nextSeq = 1;
  }
}
