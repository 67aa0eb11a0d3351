/**
 * Pure decisions about which waiting steps of a scope may start (DESIGN §3 "Order", "Branches").
 *
 * In: the scope's step definitions and the current status of each. Out: the steps that become
 * `ready` and the steps that become `skipped` now. Skips cascade: a step all of whose needs were
 * skipped is skipped too, so the result is a fixpoint.
 */
import type { CompiledStep } from '@atom/spec';
import type { StepStatus } from '../ports/store-port.js';

export interface ScopeDecision {
  ready: string[];
  skipped: string[];
}

/**
 * A need counts as finished when it succeeded, was skipped, or failed with `onError: continue`.
 * A continued failure counts as having run (like a success): the steps after it run and can read
 * its error, which is what `continue` is for (docs/adr/0003). Only skips propagate.
 */
function needState(def: CompiledStep | undefined, status: StepStatus | undefined): 'open' | 'ran' | 'skipped' {
  if (status === 'succeeded') return 'ran';
  if (status === 'skipped') return 'skipped';
  if (status === 'failed' && def?.onError === 'continue') return 'ran';
  return 'open';
}

/**
 * @param steps the steps to decide (a whole scope, or some of its steps)
 * @param statusOf the status of those steps and of their needs
 * @param byId every step of the scope by id (defaults to `steps`), to read the needs' `onError`
 */
export function planScope(
  steps: readonly CompiledStep[],
  statusOf: ReadonlyMap<string, StepStatus>,
  byId: ReadonlyMap<string, CompiledStep> = new Map(steps.map((s) => [s.id, s])),
): ScopeDecision {
  const status = new Map(statusOf);
  const decision: ScopeDecision = { ready: [], skipped: [] };
  let changed = true;
  while (changed) {
    changed = false;
    for (const step of steps) {
      if (status.get(step.id) !== 'pending') continue;
      let open = false;
      let anyRan = step.needs.length === 0;
      for (const need of step.needs) {
        const state = needState(byId.get(need), status.get(need));
        if (state === 'open') open = true;
        if (state === 'ran') anyRan = true;
      }
      if (open) continue;
      const next: StepStatus = anyRan ? 'ready' : 'skipped';
      status.set(step.id, next);
      (next === 'ready' ? decision.ready : decision.skipped).push(step.id);
      changed = true;
    }
  }
  return decision;
}

/** True when no step of the scope can change any more. */
export function scopeSettled(statuses: Iterable<StepStatus>): boolean {
  for (const s of statuses) {
    if (s !== 'succeeded' && s !== 'failed' && s !== 'skipped' && s !== 'cancelled') return false;
  }
  return true;
}
