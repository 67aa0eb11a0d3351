/**
 * Which units wake the workers: a unit that inserts or patches steps into a claimable state (ready,
 * retrying, or with a due time) or ends a run (a slot of a limited workflow frees) marks itself;
 * once it has committed, the store sends `pg_notify('atom_steps_ready', <schema>)` — outside the
 * transaction, coalesced per event-loop turn, so commits never queue on PostgreSQL's notification
 * lock (ADR 0007). A unit that rolls back notifies nobody.
 *
 * In: the adapter's TxQueries. Out: the same queries, marking the unit when they make work.
 */
import { type StepPatch, TERMINAL_RUN_STATUSES } from '@atom/engine';
import type { TxQueries } from '../shared/store-tx.js';

const CLAIMABLE_STATUSES = new Set(['ready', 'retrying']);

function makesWork(patch: StepPatch): boolean {
  return (patch.status !== undefined && CLAIMABLE_STATUSES.has(patch.status)) || (patch.dueAt ?? null) !== null;
}

/** The queries of one unit, and whether that unit made work for the workers. */
export function trackReady(queries: TxQueries): { queries: TxQueries; madeWork: () => boolean } {
  let marked = false;
  return {
    madeWork: () => marked,
    queries: {
      ...queries,
      insertSteps(exec, steps) {
        if (!marked && steps.some((step) => step.dueAt !== null)) marked = true;
        return queries.insertSteps(exec, steps);
      },
      updateStep(exec, runId, key, patch, guard) {
        if (!marked && makesWork(patch)) marked = true;
        return queries.updateStep(exec, runId, key, patch, guard);
      },
      updateStepEntry(exec, runId, key, patch, guard) {
        if (!marked && makesWork(patch)) marked = true;
        return queries.updateStepEntry(exec, runId, key, patch, guard);
      },
      updateRun(exec, runId, patch) {
        if (!marked && patch.status !== undefined && TERMINAL_RUN_STATUSES.includes(patch.status)) marked = true;
        return queries.updateRun(exec, runId, patch);
      },
    },
  };
}
