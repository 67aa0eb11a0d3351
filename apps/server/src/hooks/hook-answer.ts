/**
 * For `respond: node` webhooks: waits (up to the trigger's timeout) for the run's first
 * `run.responded` event and turns it into the HTTP answer. One subscription to the engine's events
 * serves every waiting request (a map by run id, not a listener per request). In-process events
 * answer at once; a slow poll of the run's events covers a worker in another process.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { type Engine, type NewRunEvent, RUN_END_EVENTS, TERMINAL_RUN_STATUSES } from '@atom/engine';
import type { EventBus } from '../events/event-bus.js';

export interface HookAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const POLL_MS = 200;
/** Outcomes that arrived before their request started waiting (rare: kept briefly, bounded). */
const EARLY_LIMIT = 1_000;

/** What ends a wait: the raw `run.responded` data, or `null` when the run ended without one. */
type Outcome = { data: unknown } | null;

export class HookAnswers {
  readonly #engine: Engine;
  readonly #waiting = new Map<string, (outcome: Outcome) => void>();
  readonly #early = new Map<string, Outcome>();
  readonly #unsubscribe: () => void;

  constructor(engine: Engine, bus: EventBus) {
    this.#engine = engine;
    this.#unsubscribe = bus.subscribe((events) => this.#take(events));
  }

  #take(events: readonly NewRunEvent[]): void {
    for (const event of events) {
      if (event.type === 'run.responded') this.#settle(event.runId, { data: event.data });
      else if (event.stepKey === null && RUN_END_EVENTS.has(event.type)) this.#settle(event.runId, null);
    }
  }

  #settle(runId: string, outcome: Outcome): void {
    const resolve = this.#waiting.get(runId);
    if (resolve) {
      this.#waiting.delete(runId);
      resolve(outcome);
      return;
    }
    // Only the first outcome counts (a second `respond`, or the end after a response).
    if (this.#early.has(runId)) return;
    this.#early.set(runId, outcome);
    if (this.#early.size > EARLY_LIMIT) this.#early.delete(this.#early.keys().next().value as string);
  }

  /** The run's answer, or null when it ended without one or `timeoutMs` passed. */
  async wait(runId: string, timeoutMs: number): Promise<HookAnswer | null> {
    let outcome: Outcome | undefined = this.#early.get(runId);
    this.#early.delete(runId);
    if (outcome === undefined) outcome = await this.#await(runId, timeoutMs);
    return outcome === null ? null : answerOf(await this.#engine.loadValue(outcome.data));
  }

  #await(runId: string, timeoutMs: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const deadline = Date.now() + timeoutMs;
      let timer: NodeJS.Timeout;
      const finish = (outcome: Outcome) => {
        clearTimeout(timer);
        this.#waiting.delete(runId);
        resolve(outcome);
      };
      this.#waiting.set(runId, finish);
      // The worker may be another process: look at the store now and then.
      const poll = async () => {
        if (!this.#waiting.has(runId)) return;
        if (Date.now() >= deadline) return finish(null);
        try {
          const responded = (await this.#engine.store.listEvents(runId)).find((e) => e.type === 'run.responded');
          if (responded) return finish({ data: responded.data });
          const run = await this.#engine.store.getRun(runId);
          if (run && TERMINAL_RUN_STATUSES.includes(run.status)) return finish(null);
        } catch {
          // A store hiccup: try again at the next poll.
        }
        if (this.#waiting.has(runId)) timer = setTimeout(poll, Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
      };
      timer = setTimeout(poll, Math.min(POLL_MS, timeoutMs));
    });
  }

  close(): void {
    this.#unsubscribe();
    for (const resolve of this.#waiting.values()) resolve(null);
    this.#waiting.clear();
  }
}

function answerOf(data: unknown): HookAnswer {
  const value = (data ?? {}) as { status?: unknown; headers?: unknown; body?: unknown };
  const status = typeof value.status === 'number' && value.status >= 100 && value.status <= 599 ? value.status : 200;
  const headers: Record<string, string> = {};
  if (value.headers && typeof value.headers === 'object') {
    for (const [name, v] of Object.entries(value.headers)) if (sendable(name, v)) headers[name.toLowerCase()] = v;
  }
  return { status, headers, body: value.body ?? null };
}

/** A header Node would send: the respond node refuses others, this guards data written before it did. */
function sendable(name: string, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}
