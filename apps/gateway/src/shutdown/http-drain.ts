import type { Server, ServerResponse } from 'node:http';

/** What draining the HTTP server found and did. */
export interface HttpDrainReport {
  /** Requests in flight when draining started. */
  requests: number;
  /** Requests that arrived while draining (answered too). */
  lateRequests: number;
  /** Connections open when draining started. */
  connections: number;
  /** Connections still open at the deadline, closed by force (their requests got no answer). */
  forceClosed: number;
}

/**
 * Drains a Node HTTP server (Fastify's) without waiting on clients: every answer from the start of the
 * drain carries `Connection: close`, so Node closes each keep-alive connection as soon as its answer is
 * sent; idle keep-alive connections are closed at once. The server keeps listening while requests are
 * in flight (readiness answers 503 meanwhile, and a request that still arrives is answered), stops
 * listening when none is, and closes whatever is still open at the deadline.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;
  private lateRequests = 0;
  private onIdle = (): void => undefined;

  constructor(private readonly server: Server) {
    // Before Fastify's own listener, so the header is set before any answer can be written.
    server.prependListener('request', (_request, response: ServerResponse) => this.track(response));
  }

  async drain(deadlineMs: number): Promise<HttpDrainReport> {
    const requests = this.inFlight.size;
    const connections = await new Promise<number>((resolve) =>
      this.server.getConnections((error, count) => resolve(error ? 0 : count)),
    );
    this.draining = true;
    for (const response of this.inFlight) closeAfter(response);
    this.server.closeIdleConnections();

    const deadline = untilDeadline(deadlineMs);
    try {
      if (this.inFlight.size > 0) {
        await Promise.race([new Promise<void>((resolve) => (this.onIdle = resolve)), deadline.reached]);
      }
      // No new connections; Node closes the idle ones, and `close` calls back once none is left.
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      let forceClosed = 0;
      if ((await Promise.race([closed.then(() => true), deadline.reached.then(() => false)])) === false) {
        forceClosed = await new Promise<number>((resolve) =>
          this.server.getConnections((error, count) => resolve(error ? 0 : count)),
        );
        this.server.closeAllConnections();
        await closed;
      }
      return { requests, lateRequests: this.lateRequests, connections, forceClosed };
    } finally {
      deadline.cancel();
    }
  }

  private track(response: ServerResponse): void {
    if (this.draining) {
      this.lateRequests++;
      closeAfter(response);
    }
    this.inFlight.add(response);
    response.once('close', () => {
      this.inFlight.delete(response);
      if (this.inFlight.size === 0) this.onIdle();
    });
  }
}

/** Asks Node to close the connection once this answer is sent (unless its head is already out). */
function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('Connection', 'close');
}

function untilDeadline(deadlineMs: number): { reached: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()));
  });
  return { reached, cancel: () => clearTimeout(timer) };
}
