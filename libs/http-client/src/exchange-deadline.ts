/**
 * The whole-exchange limit of one vendor call, and the caller's cancellation, as one AbortSignal.
 *
 * `AbortSignal.timeout` cannot be cleared: its timer fires `timeoutMs` after every call, answered or
 * not, and until then keeps the async context it was made in (the request's AsyncLocalStorage stores,
 * its child logger) alive, so a busy gateway holds seconds of finished requests in old space. This
 * timer is cleared as soon as the call ends, and the caller's signal is listened to only until then.
 */
export class ExchangeDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private expired = false;

  constructor(
    timeoutMs: number,
    private readonly caller?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, timeoutMs);
    if (caller?.aborted) this.cancel();
    else caller?.addEventListener('abort', this.cancel, { once: true });
  }

  /** Aborts when the time is up or the caller cancels, whichever comes first. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when it was the time limit (not the caller) that ended the call. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** The call ended: no timer left behind, no listener left on the caller's signal. */
  clear(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.cancel);
  }

  private readonly cancel = (): void => {
    if (!this.expired) this.controller.abort(this.caller?.reason);
  };
}
