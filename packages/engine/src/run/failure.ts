/**
 * What a final step failure does (DESIGN §3 "Errors"): with `onError: continue` the scope goes on;
 * otherwise the enclosing group or foreach fails with the same error, up to the run. A failing run
 * cancels its open steps, runs the `compensate` actions of completed steps in reverse completion
 * order, then its `onFailure` steps, then ends `failed`.
 */
import type { ErrorRecord } from '@atom/errors';
import { COMPENSATE_SCOPE, compensationKey, ON_FAILURE_SCOPE, ROOT_SCOPE } from '../plan/step-keys.js';
import type { NewStep, StepGuard, StepRecord } from '../ports/store-port.js';
import { cancelStep, cancelSteps, insideOf, isOpen } from './cancel.js';
import { RunEvents } from './event-types.js';
import { finishRunFailed, settleCompensation, settleScope } from './settle.js';
import { pendingRows } from './start-run.js';
import { failedPatch } from './step-patches.js';
import { emit, stepDef, stepTiming, type Unit } from './unit.js';

const OPEN_GUARD: StepGuard = { statuses: ['pending', 'ready', 'running', 'retrying', 'waiting'] };

export async function markFailed(
  unit: Unit,
  row: StepRecord,
  error: ErrorRecord,
  guard: StepGuard = OPEN_GUARD,
): Promise<boolean> {
  const { now } = unit;
  const changed = await unit.tx.updateStep(unit.run.id, row.key, failedPatch(error, now), guard);
  if (changed) emit(unit, RunEvents.stepFailed, row.key, { attempt: row.attempt, ...stepTiming(unit, row), error });
  return changed;
}

/** Called once a row was marked failed for good. */
export async function afterFailure(unit: Unit, row: StepRecord, error: ErrorRecord): Promise<void> {
  if (row.kind === 'compensation') return settleCompensation(unit);
  const def = stepDef(unit, row);
  if (def.onError === 'continue') {
    return settleScope(unit, row.scope, row.kind === 'step' ? { id: row.stepId, ran: true } : null);
  }
  if (row.scope === ON_FAILURE_SCOPE) {
    // An onFailure step failed: the run ends now; finishRunFailed cancels every step still open,
    // those nested in other onFailure groups included.
    return finishRunFailed(unit);
  }
  if (row.scope === ROOT_SCOPE) {
    return failRun(unit, { ...error, data: { ...error.data, step: row.key } });
  }
  const [container] = await unit.tx.getSteps(unit.run.id, [row.scope]);
  if (container?.status !== 'running') return;
  await cancelSteps(unit.tx, unit.run.id, unit.now, unit.events, insideOf(container.key));
  if (await markFailed(unit, container, error, { statuses: ['running'] })) {
    await afterFailure(unit, container, { ...error, data: { ...error.data, step: error.data?.step ?? row.key } });
  }
}

export async function failRun(unit: Unit, error: ErrorRecord): Promise<void> {
  const { tx, run, now } = unit;
  if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') return;
  if (run.phase !== 'main') return;
  const rows = await tx.listRunSteps(run.id);
  for (const row of rows) if (isOpen(row)) await cancelStep(tx, row, now, unit.events);
  await tx.updateRun(run.id, { phase: 'compensating', error, updatedAt: now });
  Object.assign(unit.run, { phase: 'compensating', error });

  const undo = rows
    .filter((row) => row.status === 'succeeded' && row.kind !== 'compensation' && stepDef(unit, row).compensate)
    .filter((row) => row.kind === 'iteration' || !stepDef(unit, row).foreach)
    .sort((a, b) => (b.completedSeq ?? 0) - (a.completedSeq ?? 0));
  if (undo.length === 0) return startOnFailure(unit);
  const chain: NewStep[] = undo.map((row, position) => ({
    runId: run.id,
    key: compensationKey(position),
    stepId: row.stepId,
    scope: COMPENSATE_SCOPE,
    kind: 'compensation',
    index: position,
    status: 'pending',
    dueAt: null,
    item: null,
    target: row.key,
    createdAt: now,
  }));
  await tx.insertSteps(chain);
  emit(unit, RunEvents.runCompensating, null, { steps: undo.map((row) => row.key) });
  await settleCompensation(unit);
}

export async function startOnFailure(unit: Unit): Promise<void> {
  const { tx, run, wf, now } = unit;
  const steps = wf.onFailure?.steps ?? [];
  if (steps.length === 0) return finishRunFailed(unit);
  await tx.updateRun(run.id, { phase: 'on-failure', updatedAt: now });
  unit.run.phase = 'on-failure';
  await tx.insertSteps(pendingRows(run.id, ON_FAILURE_SCOPE, steps, (step) => step.id, now));
  await settleScope(unit, ON_FAILURE_SCOPE);
}
