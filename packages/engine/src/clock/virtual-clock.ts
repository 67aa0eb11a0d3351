import type { ClockPort } from '../ports/clock-port.js';

/**
 * A clock for tests that skips time: the engine sleeps only when it has nothing to do until a
 * later due time, so `sleep` jumps straight there (as Temporal's time-skipping test server does).
 * Retry back-off and `delay` steps are then checked in virtual milliseconds without waiting.
 *
 * @example
 * const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
 * await clock.sleep(60_000); // returns at once; clock.now() moved one minute
 */
export class VirtualClock implements ClockPort {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` without sleeping. */
  advance(ms: number): void {
    this.#now += Math.max(0, ms);
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // Yield first, so work woken meanwhile (signal) wins over skipping time.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return;
    this.advance(ms);
  }
}
