/**
 * A signal that follows a chunk's stop (a cancel, another holder) until the call is sent, and no
 * longer: a stop ends the waits before the send, but a call already sent runs to its answer, which is
 * recorded. Aborting it would leave numbers the vendor may have deleted without an outcome.
 */
export class UntilSent {
  private readonly controller = new AbortController();
  private readonly follow = () => this.controller.abort();

  constructor(private readonly stop: AbortSignal) {
    if (stop.aborted) this.controller.abort();
    else stop.addEventListener('abort', this.follow, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The call is on its way: a stop from now on no longer reaches it. */
  sent(): void {
    this.stop.removeEventListener('abort', this.follow);
  }
}
