/**
 * What happens in a scope after one of its steps changed (inside the same unit as the change):
 * waiting steps whose needs are met become ready or skipped, a foreach tops up its running
 * iterations, a compensation chain moves to its next action, and a scope whose steps have all
 * ended completes its owner: a group or foreach step, or the run itself.
 */

import type { CompiledStep } from '@atom/spec';
import { templateRefs } from '@atom/spec';
import { planScope, scopeSettled } from '../plan/scope-plan.js';
import { COMPENSATE_SCOPE, childKey, ON_FAILURE_SCOPE, ROOT_SCOPE } from '../plan/step-keys.js';
import { type StepRecord, type StepStatus, TERMINAL_STEP_STATUSES } from '../ports/store-port.js';
import { buildBindings } from './bindings.js';
import { endRunFailed, wakeParent } from './cancel.js';
import { makeStartable, pendingRecord, startIfPending } from './dispatch.js';
import { RunEvents } from './event-types.js';
import { evaluate } from './expressions.js';
import { afterFailure, failRun, markFailed, startOnFailure } from './failure.js';
import { emit, errorOf, loadOutput, queuedHere, stepDef, storableOutput, type Unit } from './unit.js';
import { unitReader } from './unit-reader.js';

/** The step of a scope that just ended: its document id, and whether it counts as having run. */
export interface ChangedStep {
  id: string;
  /** Succeeded, or failed with `onError: continue` (planScope's "ran"); false when skipped. */
  ran: boolean;
}

/**
 * Settles `scope` after a change in it. `changed` is the step that just ended, when there is one:
 * then only its dependents are looked at, unless that cannot decide the scope.
 */
export async function settleScope(unit: Unit, scope: string, changed: ChangedStep | null = null): Promise<void> {
  if (unit.run.status === 'succeeded' || unit.run.status === 'failed' || unit.run.status === 'cancelled') return;
  if (scope === COMPENSATE_SCOPE) return settleCompensation(unit);
  if (scope === ROOT_SCOPE) {
    if (unit.run.phase === 'main') await settleDag(unit, scope, unit.wf.root.steps, null, changed);
    return;
  }
  if (scope === ON_FAILURE_SCOPE) return settleDag(unit, scope, unit.wf.onFailure?.steps ?? [], null, changed);
  const [container] = await unit.tx.getSteps(unit.run.id, [scope]);
  if (container?.status !== 'running') return;
  const def = stepDef(unit, container);
  if (container.kind === 'step' && def.foreach) return settleForeach(unit, container, def);
  return settleDag(unit, scope, def.children?.steps ?? [], container, changed);
}

/**
 * The fast path of settleDag: reads only the changed step's dependents and their needs. It decides
 * when a dependent stays pending or becomes ready (the scope is then certainly not finished); when a
 * skip would cascade, or no dependent is pending, it returns false and the whole scope is read.
 */
async function settleDependents(
  unit: Unit,
  scope: string,
  defs: readonly CompiledStep[],
  changed: ChangedStep,
): Promise<boolean> {
  const { tx, run } = unit;
  let dependents = dependentsIn(defs).get(changed.id) ?? [];
  if (dependents.length === 0) return false;
  if (changed.ran) {
    // A join whose other need is still open stays pending whatever the rest: one row read tells
    // (a fan-out of n branches reads n rows in all, not n times the scope).
    const undecided: CompiledStep[] = [];
    for (const dependent of dependents) {
      if (!(await waitsForAnother(unit, scope, defs, dependent, changed.id))) undecided.push(dependent);
    }
    if (undecided.length === 0) return true;
    dependents = undecided;
  }
  // Dependents whose one need is the step that just ran become ready if still pending; nothing to
  // read (a chain of steps pays one statement per step here). A row not pending: read the scope.
  if (changed.ran && dependents.every((dependent) => dependent.needs.length === 1)) {
    for (const dependent of dependents) {
      if (!(await startIfPending(unit, scope, dependent))) return false;
    }
    return true;
  }
  const ids = new Set<string>();
  for (const dependent of dependents) {
    ids.add(dependent.id);
    for (const need of dependent.needs) ids.add(need);
  }
  // Reading most of the scope by key costs more than reading it whole.
  if (ids.size * 2 > defs.length) return false;
  const entries = await tx.statusesOf(
    run.id,
    [...ids].map((id) => childKey(scope, id)),
  );
  const statusOf = new Map<string, StepStatus>(entries.map((entry) => [entry.stepId, entry.status]));
  if (!dependents.some((dependent) => statusOf.get(dependent.id) === 'pending')) return false;
  const decision = planScope(dependents, statusOf, defsById(defs));
  if (decision.skipped.length > 0) return false;
  for (const id of decision.ready) {
    const entry = entries.find((one) => one.stepId === id);
    if (entry) await makeStartable(unit, pendingRecord(run.id, scope, entry));
  }
  return true;
}

/**
 * True when `dependent` (of several needs, one of them `changedId`) certainly cannot start yet: the
 * last of its other needs has not ended. That need then keeps the scope unfinished too, and its own
 * end settles the dependent later (units of one run are serialised, so the last need to end sees
 * every other ended). Single-need dependents, and a probe that has ended, are left to the caller.
 */
async function waitsForAnother(
  unit: Unit,
  scope: string,
  defs: readonly CompiledStep[],
  dependent: CompiledStep,
  changedId: string,
): Promise<boolean> {
  if (dependent.needs.length < 2) return false;
  const probe =
    dependent.needs[dependent.needs.length - 1] === changedId ? dependent.needs.at(-2) : dependent.needs.at(-1);
  if (probe === undefined) return false;
  const probeKey = childKey(scope, probe);
  // A probe this unit is about to run has not ended (a fan-out's branches run in one unit: no read).
  if (queuedHere(unit, probeKey)) {
    unit.startedSomething = true;
    return true;
  }
  const [entry] = await unit.tx.statusesOf(unit.run.id, [probeKey]);
  if (entry === undefined || TERMINAL_STEP_STATUSES.includes(entry.status)) return false;
  if (isActive(entry.status, defsById(defs).get(probe))) unit.startedSomething = true;
  return true;
}

/** Ready, retrying, or running a node (a running group or foreach may only be waiting for parked steps). */
function isActive(status: StepStatus, def: CompiledStep | undefined): boolean {
  if (status === 'ready' || status === 'retrying') return true;
  return status === 'running' && def !== undefined && def.children === null && def.foreach === null;
}

const dependentsCache = new WeakMap<readonly CompiledStep[], Map<string, CompiledStep[]>>();
const byIdCache = new WeakMap<readonly CompiledStep[], Map<string, CompiledStep>>();

/** For each step of a scope, the steps of the scope that need it (computed once per scope). */
function dependentsIn(defs: readonly CompiledStep[]): Map<string, CompiledStep[]> {
  let map = dependentsCache.get(defs);
  if (!map) {
    map = new Map();
    for (const step of defs) {
      for (const need of step.needs) map.set(need, [...(map.get(need) ?? []), step]);
    }
    dependentsCache.set(defs, map);
  }
  return map;
}

function defsById(defs: readonly CompiledStep[]): Map<string, CompiledStep> {
  let map = byIdCache.get(defs);
  if (!map) {
    map = new Map(defs.map((step) => [step.id, step]));
    byIdCache.set(defs, map);
  }
  return map;
}

async function settleDag(
  unit: Unit,
  scope: string,
  defs: readonly CompiledStep[],
  container: StepRecord | null,
  changed: ChangedStep | null = null,
): Promise<void> {
  const { tx, run, now } = unit;
  if (changed !== null && (await settleDependents(unit, scope, defs, changed))) return;
  const entries = await tx.scopeStatuses(run.id, scope);
  const statusOf = new Map<string, StepStatus>(entries.map((entry) => [entry.stepId, entry.status]));
  const byId = defsById(defs);
  if (entries.some((entry) => isActive(entry.status, byId.get(entry.stepId)))) unit.startedSomething = true;
  const decision = planScope(defs, statusOf, byId);
  for (const id of decision.ready) {
    const entry = entries.find((one) => one.stepId === id);
    if (entry) await makeStartable(unit, pendingRecord(run.id, scope, entry));
    statusOf.set(id, 'ready');
  }
  for (const id of decision.skipped) {
    const key = childKey(scope, id);
    await tx.updateStep(run.id, key, { status: 'skipped', finishedAt: now, updatedAt: now }, { statuses: ['pending'] });
    emit(unit, RunEvents.stepSkipped, key, { reason: 'needs' });
    statusOf.set(id, 'skipped');
  }
  if (!scopeSettled(statusOf.values())) return;
  if (scope === ROOT_SCOPE) return finishRunSucceeded(unit);
  if (scope === ON_FAILURE_SCOPE) return finishRunFailed(unit);
  if (!container) return;
  const output: Record<string, unknown> = {};
  for (const row of await tx.listScope(run.id, scope)) {
    output[row.stepId] =
      statusOf.get(row.stepId) === 'succeeded' ? await loadOutput(unit.services.blobs, row.output) : null;
  }
  await completeContainer(unit, container, output);
}

async function settleForeach(unit: Unit, container: StepRecord, def: CompiledStep): Promise<void> {
  const { tx, run } = unit;
  const counts = await tx.countScope(run.id, container.key);
  let active = (counts.ready ?? 0) + (counts.running ?? 0) + (counts.retrying ?? 0) + (counts.waiting ?? 0);
  const pending = counts.pending ?? 0;
  if (pending > 0 && active < def.concurrency) {
    const next = await tx.listScope(run.id, container.key, { statuses: ['pending'], limit: def.concurrency - active });
    for (const row of next) {
      await makeStartable(unit, row);
      active++;
    }
  }
  if (active > 0 || pending > 0) return;
  const iterations = await tx.listScope(run.id, container.key);
  const outputs: unknown[] = [];
  for (const row of iterations) {
    outputs[row.index] = row.status === 'succeeded' ? await loadOutput(unit.services.blobs, row.output) : null;
  }
  await completeContainer(unit, container, outputs);
}

/**
 * A group, a foreach, or one iteration of a foreach over a group has finished all its inner steps.
 * Its `output` expression reshapes the result, except on a foreach container, whose iterations
 * were already reshaped one by one.
 */
async function completeContainer(unit: Unit, container: StepRecord, raw: unknown): Promise<void> {
  const { tx, run, now } = unit;
  const def = stepDef(unit, container);
  let stored: unknown;
  try {
    let output = raw;
    if (def.output && !(container.kind === 'step' && def.foreach)) {
      const bindings = await buildBindings(unit.services, unitReader(unit), {
        wf: unit.wf,
        run,
        key: container.key,
        refs: def.refs,
        attempt: container.attempt,
      });
      output = await evaluate(unit.services, def.output, { ...bindings, output: raw });
    }
    stored = await storableOutput(unit.services, container.key, output);
  } catch (error) {
    const record = errorOf(error);
    if (await markFailed(unit, container, record, { statuses: ['running'] })) {
      await afterFailure(unit, container, record);
    }
    return;
  }
  const seq = await tx.nextSeq(run.id);
  const done = await tx.updateStep(
    run.id,
    container.key,
    { status: 'succeeded', output: stored, finishedAt: now, completedSeq: seq, wait: null, updatedAt: now },
    { statuses: ['running'] },
  );
  if (!done) return;
  emit(unit, RunEvents.stepSucceeded, container.key, { attempt: container.attempt });
  unit.succeeded.push({ ...container, status: 'succeeded', output: stored, error: null });
  await settleScope(unit, container.scope, { id: container.stepId, ran: true });
}

/** Compensations run one at a time, in reverse completion order; a failed one does not stop the rest. */
export async function settleCompensation(unit: Unit): Promise<void> {
  const { tx, run } = unit;
  const rows = await tx.listScope(run.id, COMPENSATE_SCOPE);
  if (rows.some((row) => ['ready', 'running', 'retrying', 'waiting'].includes(row.status))) return;
  const next = rows.find((row) => row.status === 'pending');
  if (!next) return startOnFailure(unit);
  await makeStartable(unit, next, { compensates: next.target });
}

export async function finishRunSucceeded(unit: Unit): Promise<void> {
  const { tx, run, wf, now } = unit;
  let outputs: unknown = null;
  try {
    if (wf.outputs) {
      const bindings = await buildBindings(unit.services, unitReader(unit), {
        wf,
        run,
        key: '',
        refs: templateRefs(wf.outputs),
        attempt: 1,
      });
      outputs = await storableOutput(unit.services, 'outputs', await evaluate(unit.services, wf.outputs, bindings));
    }
  } catch (error) {
    return failRun(unit, errorOf(error));
  }
  await tx.updateRun(run.id, { status: 'succeeded', phase: 'ended', outputs, finishedAt: now, updatedAt: now });
  Object.assign(unit.run, { status: 'succeeded', phase: 'ended', outputs, finishedAt: now });
  emit(unit, RunEvents.runSucceeded, null, { outputs });
  if (run.parentRunId && run.parentStepKey) {
    const resume = { reason: 'child' as const, runId: run.id, status: 'succeeded' as const, outputs, error: null };
    await wakeParent(tx, run.parentRunId, run.parentStepKey, now, unit.events, resume);
  }
}

export async function finishRunFailed(unit: Unit): Promise<void> {
  // Whatever is still open (an onFailure group's inner steps when a sibling failed) ends with the run.
  await endRunFailed(unit.tx, unit.run, unit.run.error, unit.now, unit.events);
}
