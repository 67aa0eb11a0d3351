/**
 * Raises an event: wakes the `wait` steps waiting for it (the engine) and starts a run of every
 * enabled workflow whose `event` trigger names it and whose `if` holds over `$event`. With an
 * event id, starting is idempotent per workflow (`event:<id>`), so a retried request, or the same
 * run-end seen by several API processes, starts one run.
 *
 * Atom raises `run.succeeded`, `run.failed` and `run.cancelled` itself when a run ends, with
 * `$event = { workflow, version, runId, status, error }`; a workflow is never started by the end of
 * one of its own runs (that would loop). An event belongs to one workspace: it wakes that
 * workspace's waits and starts that workspace's workflows only (a run's end: its workflow's workspace).
 */
import { type NewRunEvent, RUN_END_EVENTS } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { type CompiledTemplate, compileTemplate, evaluateCondition } from '@atom/spec';
import type { ServerContext } from '../server-context.js';

export interface RaisedEvent {
  woken: number;
  started: string[];
}

export class EventDispatcher {
  readonly #ctx: ServerContext;
  readonly #filters = new Map<string, CompiledTemplate>();

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  async raise(
    workspaceId: string,
    name: string,
    payload: unknown,
    eventId?: string,
    exceptWorkflowId?: string,
  ): Promise<RaisedEvent> {
    const { engine } = this.#ctx;
    const woken = await engine.raiseEvent(name, payload, workspaceId);
    const started: string[] = [];
    for (const target of this.#ctx.triggers.events(workspaceId, name)) {
      if (target.workflowId === exceptWorkflowId) continue;
      if (target.trigger.if && !(await this.#matches(target.trigger.if, target.workflowName, payload))) continue;
      const request = {
        workflow: target.workflowId,
        workspaceId,
        trigger: { kind: 'event', name, payload, ...(eventId === undefined ? {} : { eventId }) },
      };
      try {
        const run =
          eventId === undefined
            ? await engine.startRun(request)
            : (await engine.startRunOnce({ ...request, dedupeKey: `event:${eventId}` })).run;
        started.push(run.id);
      } catch (error) {
        // One workflow's bad inputs must not stop the others from starting.
        this.#ctx.logger.warn(
          { err: error, workflow: target.workflowName, event: name },
          'event trigger did not start a run',
        );
      }
    }
    return { woken, started };
  }

  /** Engine events of this process: a run that ended raises `run.<status>` for event triggers. */
  onEngineEvents(events: readonly NewRunEvent[]): void {
    for (const event of events) {
      if (!RUN_END_EVENTS.has(event.type) || event.stepKey !== null) continue;
      void this.#raiseRunEnd(event).catch((error) =>
        this.#ctx.logger.warn({ err: error, runId: event.runId }, 'run-end event trigger failed'),
      );
    }
  }

  async #raiseRunEnd(event: NewRunEvent): Promise<void> {
    const run = await this.#ctx.engine.store.getRun(event.runId);
    if (!run || this.#ctx.triggers.events(run.workspaceId, event.type).length === 0) return;
    const payload = {
      workflow: run.workflowName,
      version: run.version,
      runId: run.id,
      status: run.status,
      error: run.error,
    };
    await this.raise(run.workspaceId, event.type, payload, `${event.type}:${run.id}`, run.workflowId);
  }

  async #matches(text: string, workflow: string, payload: unknown): Promise<boolean> {
    let filter = this.#filters.get(text);
    if (!filter) {
      filter = compileTemplate(text, 'trigger.event.if');
      this.#filters.set(text, filter);
    }
    try {
      return await evaluateCondition(filter, {
        inputs: {},
        trigger: {},
        steps: {},
        run: { id: '', workflow, version: 0, attempt: 0 },
        vars: {},
        secrets: {},
        event: payload,
      });
    } catch (error) {
      if (error instanceof AtomError) {
        this.#ctx.logger.warn({ workflow, error: error.message }, 'event trigger filter failed; not started');
        return false;
      }
      throw error;
    }
  }
}
