/**
 * Fires schedule triggers. Every tick, for each schedule of an enabled workflow, it asks the plan
 * which fire times are due since the trigger's mark (the last fire time handled, kept in the
 * database), starts one run per fire time, then moves the mark. Exactly once per fire time, with
 * any number of processes ticking at once: the run is started with the dedupe key
 * `schedule:<trigger key>:<fire time>`, so a racing process finds the run already there; a process
 * that dies between starting and marking starts nothing twice on its next tick, for the same reason.
 */
import { AtomError } from '@atom/errors';
import type { ServerContext } from '../server-context.js';
import type { ScheduleTrigger } from '../triggers/trigger-index.js';
import { type CompiledSchedule, compileSchedule, dueFireTimes, scheduleTriggerKey } from './plan/index.js';

export interface TickResult {
  started: number;
  duplicates: number;
}

export class Scheduler {
  readonly #ctx: ServerContext;
  readonly #compiled = new Map<string, CompiledSchedule | AtomError>();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<TickResult> | null = null;

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => {
      if (this.#ticking) return;
      void this.tick().catch((error) => this.#ctx.logger.error({ err: error }, 'schedule tick failed'));
    }, everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Fires what is due at the engine clock's `now`; concurrent calls share one tick. */
  tick(): Promise<TickResult> {
    if (!this.#ticking) {
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = null;
      });
    }
    return this.#ticking;
  }

  /** The compiled schedule of a trigger, or the error that keeps it from firing. */
  compiled(entry: ScheduleTrigger): CompiledSchedule | AtomError {
    const key = scheduleTriggerKey(entry.index, entry.trigger);
    let compiled = this.#compiled.get(key);
    if (!compiled) {
      try {
        compiled = compileSchedule(entry.trigger);
      } catch (error) {
        if (!(error instanceof AtomError)) throw error;
        compiled = error;
      }
      this.#compiled.set(key, compiled);
    }
    return compiled;
  }

  async #tick(): Promise<TickResult> {
    const result: TickResult = { started: 0, duplicates: 0 };
    if (this.#ctx.closing()) return result;
    for (const entry of this.#ctx.triggers.schedules()) {
      try {
        await this.#fire(entry, result);
      } catch (error) {
        this.#ctx.logger.error({ err: error, workflow: entry.workflowName }, 'schedule could not fire');
      }
    }
    return result;
  }

  async #fire(entry: ScheduleTrigger, result: TickResult): Promise<void> {
    const { control, engine, metrics } = this.#ctx;
    const schedule = this.compiled(entry);
    if (schedule instanceof AtomError) return;
    const key = scheduleTriggerKey(entry.index, entry.trigger);
    const now = this.#ctx.now();
    const mark = await control.getScheduleMark(entry.workflowId, key);
    if (mark === undefined) {
      // A new (or edited) schedule starts counting now: earlier fire times are not "missed".
      await control.advanceScheduleMark(entry.workflowId, key, now);
      return;
    }
    const due = dueFireTimes(schedule, { mark, now, catchUp: entry.trigger.catchUp ?? 'last' });
    for (const fireAt of due) {
      const { run, created } = await engine.startRunOnce({
        workflow: entry.workflowId,
        workspaceId: entry.workspaceId,
        trigger: {
          kind: 'schedule',
          scheduledFor: new Date(fireAt).toISOString(),
          firedAt: new Date(now).toISOString(),
          schedule: key,
        },
        dedupeKey: `schedule:${key}:${fireAt}`,
      });
      metrics.scheduleFires.inc({ outcome: created ? 'started' : 'duplicate' });
      if (created) result.started++;
      else result.duplicates++;
      this.#ctx.logger.info(
        { runId: run.id, workflow: entry.workflowName, scheduledFor: fireAt, duplicate: !created },
        'schedule fired',
      );
    }
    const latest = schedule.latestAtOrBefore(now);
    if (latest !== null && latest > mark) await control.advanceScheduleMark(entry.workflowId, key, latest);
  }
}
