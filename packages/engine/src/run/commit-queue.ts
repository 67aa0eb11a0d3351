/**
 * Group commit. Units that arrive while a transaction is being written wait and are written
 * together in the next one: one BEGIN/COMMIT for many step results instead of one each. Each unit
 * still sees the writes of the units before it (same transaction) and is all-or-nothing: if the
 * shared transaction fails, every unit of the batch is retried alone in its own transaction, so a
 * bad unit cannot take the others down with it.
 */
import type { CompiledWorkflow } from '@atom/spec';
import type { NewRunEvent, StorePort, StoreTx } from '../ports/store-port.js';
import { TERMINAL_RUN_STATUSES } from '../ports/store-port.js';
import type { EngineServices, Unit } from './unit.js';

interface PendingUnit {
  runId: string;
  wf: CompiledWorkflow;
  fn: (unit: Unit) => Promise<unknown>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 256;

export class CommitQueue {
  readonly #store: StorePort;
  readonly #services: EngineServices;
  readonly #now: () => number;
  readonly #publish: (events: readonly NewRunEvent[]) => void;
  #pending: PendingUnit[] = [];
  #writing = false;

  constructor(
    store: StorePort,
    services: EngineServices,
    now: () => number,
    publish: (events: readonly NewRunEvent[]) => void,
  ) {
    this.#store = store;
    this.#services = services;
    this.#now = now;
    this.#publish = publish;
  }

  /** Runs `fn` as one unit on a run that has not ended; resolves once it is durable. */
  commit(runId: string, wf: CompiledWorkflow, fn: (unit: Unit) => Promise<unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ runId, wf, fn, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      try {
        const events = await this.#store.atomically(async (tx) => {
          const all: NewRunEvent[] = [];
          for (const pending of batch) all.push(...(await this.#apply(tx, pending)));
          if (all.length > 0) await tx.appendEvents(all);
          return all;
        });
        for (const pending of batch) pending.resolve();
        this.#publish(events);
      } catch {
        for (const pending of batch) await this.#alone(pending);
      }
    }
    this.#writing = false;
  }

  async #alone(pending: PendingUnit): Promise<void> {
    try {
      const events = await this.#store.atomically(async (tx) => {
        const events = await this.#apply(tx, pending);
        if (events.length > 0) await tx.appendEvents(events);
        return events;
      });
      pending.resolve();
      this.#publish(events);
    } catch (error) {
      pending.reject(error);
    }
  }

  async #apply(tx: StoreTx, pending: PendingUnit): Promise<NewRunEvent[]> {
    const run = await tx.getRun(pending.runId);
    if (!run || TERMINAL_RUN_STATUSES.includes(run.status)) return [];
    const unit: Unit = {
      tx,
      run,
      wf: pending.wf,
      now: this.#now(),
      services: this.#services,
      events: [],
      wokeOtherRuns: false,
    };
    await pending.fn(unit);
    return unit.events;
  }
}
