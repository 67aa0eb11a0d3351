/**
 * The worker loop: claims due steps under a lease (up to `concurrency` at once), runs them,
 * renews the leases of running steps by heartbeat, returns expired leases of dead workers to the
 * queue, and sleeps until the next due time or until a commit wakes it. An idle worker does not
 * spin: it sleeps until the next known due time or until a commit wakes it — its own engine's, or,
 * when the store offers `onStepsReady` (PostgreSQL LISTEN/NOTIFY), any process's. It also looks
 * for work every `pollMs`, as a safety net: 1 s by default without such a store, 30 s with it.
 */

import type { EngineCore } from '../engine-core.js';
import type { ClaimedStep, RunRecord } from '../ports/store-port.js';
import type { EagerDispatch } from '../run/dispatch.js';

/**
 * How a long-running worker records itself in the store's worker registry. Each heartbeat renews
 * its row (with the number of steps it runs) and looks for workers whose heartbeat is older than
 * `deadAfterMs`: their leases are released at once, so their steps run again elsewhere without
 * waiting for the leases to expire.
 */
export interface WorkerRegistration {
  host: string;
  pid: number;
  version: string;
  /** Default 5 000. */
  heartbeatMs?: number;
  /** Default 30 000; at least twice `heartbeatMs`. */
  deadAfterMs?: number;
}

export interface WorkerOptions {
  /** Unique per process, e.g. `host/pid/start`. */
  id: string;
  concurrency?: number;
  /** Record this worker in the registry while it runs (and reap dead ones); none for a one-off run. */
  registry?: WorkerRegistration;
  /**
   * How often an idle worker looks for work committed by other processes (real time). Default
   * 30 000 when the store wakes workers itself (`onStepsReady`), else 1 000.
   */
  pollMs?: number;
}

export interface RunLoopOptions {
  /** Stop when this says so (checked after every change seen). */
  until?: () => boolean;
  signal?: AbortSignal;
  /** Stop when nothing runs and nothing is due at any known time (the rest waits for events). */
  stopWhenIdle?: boolean;
}

export class Worker {
  readonly id: string;
  readonly #core: EngineCore;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #registry: Required<WorkerRegistration> | null;
  #startedAt = 0;
  readonly #inflight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  #wake: () => void = () => {};
  #nextReapAt = 0;
  /** Slots promised to steps our own commits are claiming (eager dispatch). */
  #reserved = 0;
  #stopping = false;

  constructor(core: EngineCore, options: WorkerOptions) {
    this.#core = core;
    this.id = options.id;
    this.#concurrency = options.concurrency ?? core.options.concurrency;
    this.#pollMs = options.pollMs ?? (core.store.onStepsReady ? SAFETY_POLL_MS : LOCAL_POLL_MS);
    const registry = options.registry;
    this.#registry = registry
      ? {
          heartbeatMs: DEFAULT_HEARTBEAT_MS,
          ...registry,
          deadAfterMs: Math.max(
            registry.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS,
            2 * (registry.heartbeatMs ?? DEFAULT_HEARTBEAT_MS),
          ),
        }
      : null;
  }

  /** Runs until `until()` is true or `signal` aborts, then lets running steps finish. */
  async run(options: RunLoopOptions = {}): Promise<void> {
    const unsubscribe = this.#core.onEvents(() => this.#wake());
    const unsubscribeReady = this.#core.store.onStepsReady?.(() => this.#wake());
    const heartbeat = setInterval(() => void this.#heartbeat(), Math.max(50, this.#core.options.leaseMs / 3));
    heartbeat.unref?.();
    const onAbort = () => this.#wake();
    options.signal?.addEventListener('abort', onAbort);
    this.#stopping = false;
    const registry = this.#registry;
    let beat: ReturnType<typeof setInterval> | undefined;
    if (registry) {
      this.#startedAt = this.#core.clock.now();
      await this.#register(registry, this.#startedAt);
      beat = setInterval(() => void this.#beat(registry), registry.heartbeatMs);
      beat.unref?.();
    }
    try {
      while (!options.signal?.aborted && !options.until?.()) {
        const woken = new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        try {
          if (await this.#tick()) continue;
          if (options.until?.()) break;
          if (this.#inflight.size > 0) {
            await this.#busy(woken);
            continue;
          }
          if (await this.#idle(woken, options.stopWhenIdle === true)) break;
        } catch (error) {
          // The store failed (busy past its timeout, a lost connection): keep the worker alive and
          // try again shortly; running steps go on and their leases are renewed.
          this.#core.log('error', 'worker loop failed; retrying', { error: String(error) });
          await realSleep(ERROR_PAUSE_MS, options.signal ?? new AbortController().signal);
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.#stopping = true;
      // Steps already handed over by eager dispatch still run to their end.
      while (this.#inflight.size > 0) {
        await Promise.allSettled([...this.#inflight.values()].map((entry) => entry.done));
      }
      clearInterval(heartbeat);
      clearInterval(beat);
      unsubscribe();
      unsubscribeReady?.();
      if (registry) {
        await this.#core.store
          .removeWorker(this.id)
          .catch((error: unknown) =>
            this.#core.log('warn', 'could not leave the worker registry', { error: String(error) }),
          );
      }
    }
  }

  /** Claims and starts what is due; true when it claimed something. */
  async #tick(): Promise<boolean> {
    const core = this.#core;
    const now = core.clock.now();
    if (now >= this.#nextReapAt) {
      this.#nextReapAt = now + Math.max(50, core.options.leaseMs / 2);
      await core.releaseLeases({ now });
    }
    const free = this.#concurrency - this.#inflight.size - this.#reserved;
    if (free <= 0) return false;
    const { started, claimed } = await core.claim({ owner: this.id, now, limit: free, leaseMs: core.options.leaseMs });
    for (const { run, step } of started) this.#start(run, step);
    // Steps of local nodes ran inside the claim: claiming again at once is the right next move too.
    return claimed > 0;
  }

  /**
   * The eager-dispatch offer of one execution: its commit may pass the execution's own slot to one
   * step it makes startable (the slot is free as soon as the commit is done), and take more slots
   * while the worker has room.
   */
  #dispatchFor(): EagerDispatch {
    let ownSlot = true;
    return {
      owner: this.id,
      leaseMs: this.#core.options.leaseMs,
      take: () => {
        if (this.#stopping) return false;
        if (!ownSlot && this.#inflight.size + this.#reserved >= this.#concurrency) return false;
        ownSlot = false;
        this.#reserved++;
        return true;
      },
      giveBack: (count) => {
        this.#reserved -= count;
      },
      deliver: (run, steps) => {
        for (const step of steps) {
          this.#reserved--;
          this.#start(run, step);
        }
      },
    };
  }

  #start(run: RunRecord, step: ClaimedStep): void {
    const controller = new AbortController();
    const done = this.#core
      .execute(run, step, controller.signal, this.#dispatchFor())
      .catch((error: unknown) =>
        this.#core.log('error', 'step execution crashed', { step: step.key, error: String(error) }),
      )
      .finally(() => {
        this.#inflight.delete(step.leaseToken);
        this.#wake();
      });
    this.#inflight.set(step.leaseToken, { controller, done });
  }

  /**
   * Sleeps until something may be due; true (without sleeping) when drained and asked to stop then.
   * Steps due now that the last claim did not take (on PostgreSQL: rows or runs that other units
   * held at that moment) are looked for again after RETRY_MS, without waiting for a wake-up.
   */
  async #idle(woken: Promise<void>, stopWhenIdle: boolean): Promise<boolean> {
    const core = this.#core;
    const next = await core.store.nextDueAt();
    const now = core.clock.now();
    if (next === undefined && stopWhenIdle) return true;
    await this.#sleepUntil(woken, next, now);
    return false;
  }

  /**
   * With steps running: waits for a wake-up (a step ending, a notice); while slots are free and a
   * step is due now that the last claim did not take, RETRY_MS at most, so a claim that came back
   * short does not leave free slots idle until a running step ends.
   */
  async #busy(woken: Promise<void>): Promise<void> {
    if (this.#concurrency - this.#inflight.size - this.#reserved <= 0) {
      await woken;
      return;
    }
    const next = await this.#core.store.nextDueAt();
    const now = this.#core.clock.now();
    // Later due times (and the leases of our own running steps) wait for a wake-up, as before.
    if (next === undefined || next > now) await woken;
    else await this.#sleepUntil(woken, next, now);
  }

  /** Until a wake-up, the safety poll, or `next` (by the clock; steps already due: RETRY_MS of real time). */
  async #sleepUntil(woken: Promise<void>, next: number | undefined, now: number): Promise<void> {
    const stop = new AbortController();
    const sleeps = [woken, realSleep(this.#pollMs, stop.signal)];
    if (next !== undefined && next <= now) sleeps.push(realSleep(RETRY_MS, stop.signal));
    else if (next !== undefined) sleeps.push(this.#core.clock.sleep(next - now, stop.signal));
    await Promise.race(sleeps);
    stop.abort();
  }

  /**
   * Writes this worker's registry row (an upsert: a row removed meanwhile, after this process was
   * paused for long, comes back). A store that is away is only logged; the next beat tries again.
   */
  async #register(registry: Required<WorkerRegistration>, now: number): Promise<boolean> {
    try {
      await this.#core.store.registerWorker({
        id: this.id,
        host: registry.host,
        pid: registry.pid,
        version: registry.version,
        startedAt: this.#startedAt,
        heartbeatAt: now,
        concurrency: this.#concurrency,
        running: this.#inflight.size,
      });
      return true;
    } catch (error) {
      this.#core.log('warn', 'worker heartbeat failed', { error: String(error) });
      return false;
    }
  }

  /** Renews this worker's registry row, then recovers the steps of workers that stopped beating. */
  async #beat(registry: Required<WorkerRegistration>): Promise<void> {
    const core = this.#core;
    const now = core.clock.now();
    if (!(await this.#register(registry, now))) return;
    try {
      const dead = (await core.store.listWorkers()).filter(
        (w) => w.id !== this.id && now - w.heartbeatAt > registry.deadAfterMs,
      );
      if (dead.length === 0) return;
      const released = await core.releaseLeases({ now, owners: dead.map((w) => w.id) });
      if (released > 0) {
        core.log('warn', 'recovered the steps of dead workers', { workers: dead.map((w) => w.id), released });
      }
      // Dead rows stay listed (GET /api/v1/workers shows them dead) for a while, then go.
      for (const w of dead) if (now - w.heartbeatAt > FORGET_DEAD_AFTER_MS) await core.store.removeWorker(w.id);
    } catch (error) {
      core.log('warn', 'recovering the steps of dead workers failed', { error: String(error) });
    }
  }

  async #heartbeat(): Promise<void> {
    if (this.#inflight.size === 0) return;
    const core = this.#core;
    try {
      const lost = await core.store.renewLeases(
        this.id,
        [...this.#inflight.keys()],
        core.clock.now() + core.options.leaseMs,
      );
      for (const token of lost) this.#inflight.get(token)?.controller.abort();
    } catch (error) {
      core.log('warn', 'lease renewal failed', { error: String(error) });
    }
  }
}

const ERROR_PAUSE_MS = 250;
/** Pause before claiming again steps that were due but not taken (held by other units). */
const RETRY_MS = 20;
const LOCAL_POLL_MS = 1_000;
const SAFETY_POLL_MS = 30_000;
const DEFAULT_HEARTBEAT_MS = 5_000;
const DEFAULT_DEAD_AFTER_MS = 30_000;
const FORGET_DEAD_AFTER_MS = 3_600_000;

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
