/**
 * Group commit. Units that arrive while a transaction is being written wait and are written
 * together in the next one: one BEGIN/COMMIT for many step results instead of one each. Each unit
 * still sees the writes of the units before it (same transaction) and is all-or-nothing: if the
 * shared transaction fails, every unit of the batch is retried alone in its own transaction, so a
 * bad unit cannot take the others down with it.
 */
import type { CompiledWorkflow } from '@atom/spec';
import type { ClaimedStep, NewRunEvent, RunRecord, StorePort, StoreTx } from '../ports/store-port.js';
import { TERMINAL_RUN_STATUSES } from '../ports/store-port.js';
import type { BindingRow } from './bindings.js';
import type { EagerDispatch } from './dispatch.js';
import { RunEvents } from './event-types.js';
import { type LocalOffer, localSteps, runLocalSteps } from './local-step.js';
import type { OutputMemo } from './output-memo.js';
import { type EngineServices, emit, type Unit } from './unit.js';

/**
 * A queued unit: on an existing run (`wf` and `fn`), or one that creates its run (`create`, e.g. a
 * new run: nothing to read or lock first). `runId` orders the batch.
 */
interface PendingUnit {
  runId: string;
  wf: CompiledWorkflow | null;
  fn: ((unit: Unit) => Promise<unknown>) | null;
  create: ((tx: StoreTx, events: NewRunEvent[]) => Promise<unknown>) | null;
  dispatch: EagerDispatch | null;
  local: LocalOffer | null;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** What one unit produced: its events, and the steps it claimed for its worker. */
interface Applied {
  events: NewRunEvent[];
  succeeded: BindingRow[];
  handover: { run: RunRecord; steps: ClaimedStep[] } | null;
  /** What a `create` unit returned. */
  value?: unknown;
}

const NOTHING: Applied = { events: [], succeeded: [], handover: null };

const MAX_BATCH = 256;

export class CommitQueue {
  readonly #store: StorePort;
  readonly #services: EngineServices;
  readonly #now: () => number;
  readonly #publish: (events: readonly NewRunEvent[]) => void;
  readonly #memo: OutputMemo;
  #pending: PendingUnit[] = [];
  #writing = false;

  constructor(
    store: StorePort,
    services: EngineServices,
    now: () => number,
    publish: (events: readonly NewRunEvent[]) => void,
    memo: OutputMemo,
  ) {
    this.#memo = memo;
    this.#store = store;
    this.#services = services;
    this.#now = now;
    this.#publish = publish;
  }

  /** Runs `fn` as one unit on a run that has not ended; resolves once it is durable. */
  commit(
    runId: string,
    wf: CompiledWorkflow,
    fn: (unit: Unit) => Promise<unknown>,
    dispatch: EagerDispatch | null = null,
    local: LocalOffer | null = null,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#enqueue({ runId, wf, fn, create: null, dispatch, local, resolve: () => resolve(), reject });
    });
  }

  /**
   * Runs `create` in the next group-committed transaction: a unit that writes a run of its own
   * (`runId`, not yet stored) and collects its events in `events`, which are published once the
   * unit is durable. Resolves with what `create` returned. `create` may run twice (alone, after a
   * shared transaction failed): it must start from nothing each time.
   */
  create<T>(runId: string, create: (tx: StoreTx, events: NewRunEvent[]) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = resolve as (value: unknown) => void;
      this.#enqueue({ runId, wf: null, fn: null, create, dispatch: null, local: null, resolve: settle, reject });
    });
  }

  #enqueue(unit: PendingUnit): void {
    this.#pending.push(unit);
    if (!this.#writing) {
      this.#writing = true;
      // Step results come in bursts (a claim or a commit releases many executions at once): wait a
      // turn of the event loop to gather them. A new run usually comes alone (a request, a
      // schedule): the turn would only add latency, and what arrives meanwhile joins the next batch.
      if (unit.create) queueMicrotask(() => void this.#drain());
      else setImmediate(() => void this.#drain());
    }
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      // By run id (stable: units of one run keep their order), so that concurrent batches in other
      // processes lock runs in the same order and cannot deadlock.
      const batch = this.#pending
        .splice(0, MAX_BATCH)
        .sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
      const units: Unit[] = [];
      let applied: Applied[];
      try {
        applied = await this.#store.atomically(async (tx) => {
          // One read for the batch's runs instead of one per unit (each unit still reads its run).
          const existing = batch.filter((pending) => pending.create === null).map((pending) => pending.runId);
          if (existing.length > 1) await tx.getRuns([...new Set(existing)]);
          const applied: Applied[] = [];
          for (const pending of batch) applied.push(await this.#apply(tx, pending, units));
          await this.#recheckHandovers(tx, batch, applied);
          const events = applied.flatMap((one) => one.events);
          if (events.length > 0) await tx.appendEvents(events);
          return applied;
        });
      } catch {
        for (const unit of units) unit.dispatch?.giveBack(unit.claimed.length);
        for (const pending of batch) await this.#alone(pending);
        continue;
      }
      this.#publish(applied.flatMap((one) => one.events));
      for (const [i, pending] of batch.entries()) this.#finish(pending, applied[i] ?? NOTHING);
    }
    this.#writing = false;
  }

  async #alone(pending: PendingUnit): Promise<void> {
    const units: Unit[] = [];
    let applied: Applied;
    try {
      applied = await this.#store.atomically(async (tx) => {
        const applied = await this.#apply(tx, pending, units);
        if (applied.events.length > 0) await tx.appendEvents(applied.events);
        return applied;
      });
    } catch (error) {
      for (const unit of units) unit.dispatch?.giveBack(unit.claimed.length);
      pending.reject(error);
      return;
    }
    this.#publish(applied.events);
    this.#finish(pending, applied);
  }

  /**
   * A later unit of the same batch may have cancelled a step an earlier unit claimed (another step
   * of that run failed). Before committing, keep only handovers still running under their lease.
   */
  async #recheckHandovers(tx: StoreTx, batch: PendingUnit[], applied: Applied[]): Promise<void> {
    const perRun = new Map<string, number>();
    for (const pending of batch) perRun.set(pending.runId, (perRun.get(pending.runId) ?? 0) + 1);
    for (const [i, pending] of batch.entries()) {
      const one = applied[i];
      if (!one?.handover || (perRun.get(pending.runId) ?? 0) < 2) continue;
      const rows = await tx.getSteps(
        pending.runId,
        one.handover.steps.map((step) => step.key),
      );
      const live = new Set(rows.filter((row) => row.status === 'running').map((row) => row.leaseToken));
      const kept = one.handover.steps.filter((step) => live.has(step.leaseToken));
      pending.dispatch?.giveBack(one.handover.steps.length - kept.length);
      // In place: the unit's own list is the same array (a rollback gives back what is left).
      one.handover.steps.splice(0, one.handover.steps.length, ...kept);
    }
  }

  /** After the commit: hand claimed steps to their worker, then let the caller go on. */
  #finish(pending: PendingUnit, applied: Applied): void {
    for (const row of applied.succeeded) this.#memo.remember(pending.runId, row);
    if (applied.handover && pending.dispatch) pending.dispatch.deliver(applied.handover.run, applied.handover.steps);
    pending.resolve(applied.value);
  }

  async #apply(tx: StoreTx, pending: PendingUnit, units: Unit[]): Promise<Applied> {
    if (pending.create) {
      const events: NewRunEvent[] = [];
      const value = await pending.create(tx, events);
      return { events, succeeded: [], handover: null, value };
    }
    const run = await tx.getRun(pending.runId);
    if (!run || TERMINAL_RUN_STATUSES.includes(run.status) || !pending.wf || !pending.fn) return NOTHING;
    const unit: Unit = {
      tx,
      run,
      wf: pending.wf,
      now: this.#now(),
      services: this.#services,
      events: [],
      dispatch: pending.dispatch,
      claimed: [],
      succeeded: [],
      startedSomething: false,
      local: localSteps(pending.local),
    };
    units.push(unit);
    await pending.fn(unit);
    await runLocalSteps(unit);
    await markWaitingIfIdle(unit);
    return {
      events: unit.events,
      succeeded: unit.succeeded,
      handover: unit.claimed.length === 0 ? null : { run: unit.run, steps: unit.claimed },
    };
  }
}

/**
 * DESIGN §4: a run is `waiting` while nothing of it runs or is about to run (its remaining steps
 * are parked, or wait for parked ones). Checked only when a unit started nothing new, so a busy run
 * pays nothing; `markStarted` makes the run `running` again when a step of it is claimed.
 */
export async function markWaitingIfIdle(unit: Unit): Promise<void> {
  if (unit.run.status !== 'running' || unit.startedSomething) return;
  if ((await unit.tx.countActive(unit.run.id)) > 0) return;
  await unit.tx.updateRun(unit.run.id, { status: 'waiting', updatedAt: unit.now });
  unit.run.status = 'waiting';
  emit(unit, RunEvents.runWaiting, null);
}
