/**
 * Waits used by the `slow` fault. A reset or close cancels them: a request still held back then is
 * dropped, so a call from a finished test cannot change the state the next test starts from.
 */
export class Delays {
  private readonly pending = new Set<(elapsed: boolean) => void>();

  /** Resolves true when the time has passed, false when cancelled first. */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (elapsed: boolean): void => {
        clearTimeout(timer);
        this.pending.delete(finish);
        resolve(elapsed);
      };
      const timer = setTimeout(() => finish(true), ms);
      this.pending.add(finish);
    });
  }

  cancelAll(): void {
    for (const finish of [...this.pending]) finish(false);
  }
}
