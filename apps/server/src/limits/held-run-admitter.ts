/**
 * Starts runs held over the concurrent-runs limit as slots free up: poked when a run ends (in any
 * process: the event bus) or the limit changes, and on a timer for what a poke could miss. One
 * pass at a time; a poke during a pass runs one more pass after it.
 */
import type { Engine } from '@atom/engine';
import type { Logger } from 'pino';

export const RUN_ENDED = new Set(['run.succeeded', 'run.failed', 'run.cancelled']);

export class HeldRunAdmitter {
  readonly #engine: Engine;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(engine: Engine, logger: Logger) {
    this.#engine = engine;
    this.#logger = logger;
  }

  start(tickMs: number): void {
    this.#timer = setInterval(() => this.poke(), tickMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  /** Runs a pass now, or once more after the one under way. */
  poke(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.poke();
      }
    });
  }

  async #pass(): Promise<void> {
    try {
      const admitted = await this.#engine.admitHeldRuns();
      if (admitted > 0) this.#logger.info({ admitted }, 'started runs that waited for a free slot');
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not start held runs; trying again shortly');
    }
  }
}
