import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/**
 * Whether this process is shutting down, and the background work to stop before adapters and the store
 * close (the chunk worker). `start()` runs once, from the signal handler or, at the latest, from Nest's
 * `beforeApplicationShutdown`, which comes before any `onApplicationShutdown` (where adapters, circuit
 * breakers and BullMQ's connections close).
 */
@Injectable()
export class Draining implements BeforeApplicationShutdown {
  private readonly stoppers: Array<() => Promise<unknown>> = [];
  private stopped?: Promise<void>;

  /** True from the first `start()`: readiness answers 503. */
  get active(): boolean {
    return this.stopped !== undefined;
  }

  /** Work that stops when draining starts; it must hand back what it cannot finish at once. */
  onStart(stop: () => Promise<unknown>): void {
    this.stoppers.push(stop);
  }

  /** Starts draining (idempotent); resolves when every registered stop has settled. */
  start(): Promise<void> {
    this.stopped ??= Promise.allSettled(this.stoppers.map((stop) => stop())).then(() => undefined);
    return this.stopped;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.start();
  }
}
