/**
 * Starts runs held over the concurrent-runs limit as slots free up: poked when a run ends (in any
 * process: the event bus) or the limit changes, and on a timer for what a poke could miss. One
 * pass at a time; a poke during a pass runs one more pass after it.
 *
 * An idle cluster sends the database nothing on this account: passes run only while held runs may
 * exist — after a `run.held` event (from any process), while the last pass left runs held — and
 * otherwise once per `SAFETY_TICKS` ticks, for a held event this process never heard.
 */
import type { Engine } from '@atom/engine';
import type { Logger } from 'pino';

const SAFETY_TICKS = 15;

export class HeldRunAdmitter {
  readonly #engine: Engine;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  /** Held runs may exist: true at start, after `run.held`, and while a pass leaves some held. */
  #maybeHeld = true;
  #ticks = 0;

  constructor(engine: Engine, logger: Logger) {
    this.#engine = engine;
    this.#logger = logger;
  }

  start(tickMs: number): void {
    this.#timer = setInterval(() => {
      this.#ticks++;
      if (this.#ticks % SAFETY_TICKS === 0) this.#maybeHeld = true;
      this.poke();
    }, tickMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  /** A run was held somewhere: the next poke looks for a free slot. */
  noteHeld(): void {
    this.#maybeHeld = true;
  }

  /** Runs a pass now, or once more after the one under way; nothing while no run can be held. */
  poke(): void {
    if (this.#stopped || !this.#maybeHeld) return;
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
      const { admitted, held } = await this.#engine.admitHeldRuns();
      // A run held after the read above announces itself with run.held, which sets this again.
      if (held === 0) this.#maybeHeld = false;
      if (admitted > 0) this.#logger.info({ admitted, held }, 'started runs that waited for a free slot');
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not start held runs; trying again shortly');
    }
  }
}
