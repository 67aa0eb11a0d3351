/**
 * Creating a run: the run row, one `pending` row per top-level step, the first steps `ready`, in
 * one unit. Used for new runs (optionally idempotent with a dedupe key), the child runs of
 * `workflow.call` and (row alone) replays.
 */
import { AtomError } from '@atom/errors';
import { assertNesting, assertNoNul, type CompiledStep, type CompiledWorkflow } from '@atom/spec';
import { newId } from '../ids.js';
import {
  DEFAULT_WORKSPACE_ID,
  type NewRun,
  type NewRunEvent,
  type NewStep,
  type RunRecord,
  type StoreTx,
} from '../ports/store-port.js';
import type { ControlDeps } from './control-deps.js';
import { RunEvents } from './event-types.js';
import { validateRunInputs } from './run-inputs.js';

export interface StartRunRequest {
  /** Workflow name or id, of `workspaceId`. */
  workflow: string;
  /** The workspace whose workflow it is; default DEFAULT_WORKSPACE_ID. */
  workspaceId?: string;
  version?: number;
  inputs?: unknown;
  /** `{ kind: 'manual' | 'webhook' | 'schedule' | 'event', … }`, read as `$trigger`; manual by default. */
  trigger?: unknown;
  /** Claim order against other runs (higher first); default the workflow's `priority`, else 0. */
  priority?: number;
}

/**
 * Starts a run; with a dedupe key, returns the run of the workflow that already holds it instead
 * (`created: false`, nothing written, nothing published).
 */
export async function startRun(
  deps: ControlDeps,
  request: StartRunRequest,
  dedupeKey: string | null,
): Promise<{ run: RunRecord; created: boolean }> {
  const workspaceId = request.workspaceId ?? DEFAULT_WORKSPACE_ID;
  const target = await deps.workflowByName(request.workflow, request.version ?? null, workspaceId);
  const inputs = request.inputs ?? {};
  const { maxNesting } = deps.services.options;
  assertNesting(inputs, maxNesting, 'the run inputs', ['inputs']);
  assertNesting(request.trigger, maxNesting, 'the trigger data', ['trigger']);
  assertNoNul(inputs, 'the run inputs', ['inputs']);
  assertNoNul(request.trigger, 'the trigger data', ['trigger']);
  const now = deps.now();
  const id = newId(now);
  const spec: RunSpec = {
    id,
    workspaceId,
    workflowId: target.workflowId,
    version: target.version,
    inputs,
    trigger: request.trigger ?? { kind: 'manual' },
    parentRunId: null,
    parentStepKey: null,
    dedupeKey,
    ...(request.priority === undefined ? {} : { priority: request.priority }),
  };
  // Without a dedupe key the run is always created: check its inputs before it joins a shared
  // transaction, where a throw would make every unit of the batch run again alone.
  if (dedupeKey === null) validateRunInputs(target.wf, inputs);
  const admission = deps.admission();
  const limit = admission ? await admission.limit(workspaceId) : Number.POSITIVE_INFINITY;
  // Group-committed with other units (a burst of starts shares one transaction); its events are
  // published once it is durable, and only when the run was created.
  const started = await deps.create(id, async (tx, events) => {
    if (dedupeKey !== null) {
      const existing = await tx.findRunByDedupeKey(target.workflowId, dedupeKey);
      if (existing) return { run: existing, created: false, counts: null };
      validateRunInputs(target.wf, inputs);
    }
    // Counted in the unit, so the runs of one group commit see each other.
    const counts = Number.isFinite(limit) ? await tx.admissionCounts(workspaceId) : null;
    const held = counts !== null && counts.active >= limit;
    const inserted = held
      ? await insertHeldRun(tx, target.wf, spec, now, events, limit)
      : await insertRun(tx, target.wf, spec, now, events);
    if (!inserted) {
      // Another unit took the key between our look-up and our insert (PostgreSQL): theirs stands.
      const winner = dedupeKey === null ? undefined : await tx.findRunByDedupeKey(target.workflowId, dedupeKey);
      return { run: winner, created: false, counts: null };
    }
    const run = newRunRecord(target.wf, spec, now);
    if (held) run.phase = 'held';
    const after = counts && { active: counts.active + (held ? 0 : 1), held: counts.held + (held ? 1 : 0) };
    // The row as the store now holds it, without reading it back.
    return { run, created: true, counts: after };
  });
  if (!started.run) throw new AtomError('ATOM_ERR_INTERNAL', `run ${id} vanished after it was created`);
  if (started.counts) admission?.observe?.(started.counts, limit, workspaceId);
  return { run: started.run, created: started.created };
}

/** A run over the concurrent-runs limit: its row alone, `queued` in phase `held`, and `run.held`. */
async function insertHeldRun(
  tx: StoreTx,
  wf: CompiledWorkflow,
  spec: RunSpec,
  now: number,
  events: NewRunEvent[],
  limit: number,
): Promise<boolean> {
  if (!(await insertRunRow(tx, wf, spec, now, events))) return false;
  await tx.updateRun(spec.id, { phase: 'held', updatedAt: now });
  events.push({ runId: spec.id, type: RunEvents.runHeld, stepKey: null, data: { limit }, at: now });
  return true;
}

/**
 * Starts held runs, oldest first, while their workspace's concurrent-runs limit leaves slots free:
 * each in a unit of its own that counts the workspace's runs again, takes the run out of `held`
 * and makes its first steps ready. A full workspace does not stop the runs of another. Returns how
 * many started. Called when a run ends, when a limit changes, and periodically.
 */
/** What one admission pass did: runs started, and held runs still waiting for a slot. */
export interface HeldRunsAdmitted {
  admitted: number;
  held: number;
}

export async function admitHeldRuns(
  deps: ControlDeps,
  limitOf: (workspaceId: string) => Promise<number>,
): Promise<HeldRunsAdmitted> {
  const { held } = await deps.store.atomically((tx) => tx.admissionCounts());
  if (held === 0) return { admitted: 0, held };
  const ids = await deps.store.atomically((tx) => tx.heldRunIds(500));
  const limits = new Map<string, number>();
  const full = new Set<string>();
  let admitted = 0;
  for (const id of ids) {
    const run = await deps.store.getRun(id);
    if (run?.phase !== 'held' || full.has(run.workspaceId)) continue;
    const { workspaceId } = run;
    let limit = limits.get(workspaceId);
    if (limit === undefined) {
      limit = await limitOf(workspaceId);
      limits.set(workspaceId, limit);
    }
    const wf = await deps.workflow(run.workflowId, run.version);
    const started = await deps.create(id, async (tx, events) => {
      const current = await tx.getRun(id);
      if (current?.phase !== 'held' || current.status !== 'queued') return false;
      if (Number.isFinite(limit) && (await tx.admissionCounts(workspaceId)).active >= limit) return false;
      const now = deps.now();
      await tx.updateRun(id, { phase: 'main', updatedAt: now });
      events.push({ runId: id, type: RunEvents.runAdmitted, stepKey: null, data: { limit }, at: now });
      await tx.insertSteps(firstSteps(wf, id, now, events));
      return true;
    });
    // The workspace is full (or the run was taken): its younger runs wait too, others' may start.
    if (!started) {
      full.add(workspaceId);
      continue;
    }
    admitted++;
  }
  return { admitted, held: held - admitted };
}

export interface RunSpec {
  id: string;
  workspaceId: string;
  workflowId: string;
  version: number;
  inputs: unknown;
  /** `{ kind: TriggerKind, … }` (ports/store-port.ts). */
  trigger: unknown;
  parentRunId: string | null;
  parentStepKey: string | null;
  /** At most one run of the workflow holds it; null for none. */
  dedupeKey: string | null;
  /** Overrides the workflow's `priority`. */
  priority?: number;
}

/**
 * Inserts the run and its top-level steps (those without needs `ready`). False, with nothing
 * written and no event, when another run of the workflow already holds `spec.dedupeKey`.
 */
export async function insertRun(
  tx: StoreTx,
  wf: CompiledWorkflow,
  spec: RunSpec,
  now: number,
  events: NewRunEvent[],
): Promise<boolean> {
  if (!(await insertRunRow(tx, wf, spec, now, events))) return false;
  await tx.insertSteps(firstSteps(wf, spec.id, now, events));
  return true;
}

/** The top-level step rows of a new run, those without needs `ready` (with their events). */
function firstSteps(wf: CompiledWorkflow, runId: string, now: number, events: NewRunEvent[]): NewStep[] {
  return wf.root.steps.map((step) => {
    const ready = step.needs.length === 0;
    if (ready) events.push({ runId, type: RunEvents.stepReady, stepKey: step.id, data: null, at: now });
    return {
      runId,
      key: step.id,
      stepId: step.id,
      scope: '',
      kind: 'step' as const,
      index: step.index,
      status: ready ? ('ready' as const) : ('pending' as const),
      dueAt: ready ? now : null,
      item: null,
      target: null,
      createdAt: now,
    };
  });
}

/** The run row alone (`queued`) and its `run.created` event; false when the dedupe key is taken. */
export async function insertRunRow(
  tx: StoreTx,
  wf: CompiledWorkflow,
  spec: RunSpec,
  now: number,
  events: NewRunEvent[],
): Promise<boolean> {
  const inserted = await tx.insertRun(newRun(wf, spec, now));
  if (!inserted) return false;
  events.push({
    runId: spec.id,
    type: RunEvents.runCreated,
    stepKey: null,
    data: { workflow: wf.name, version: spec.version, parentRunId: spec.parentRunId },
    at: now,
  });
  return true;
}

/** The run row insertRunRow writes. */
function newRun(wf: CompiledWorkflow, spec: RunSpec, now: number): NewRun {
  return {
    id: spec.id,
    workspaceId: spec.workspaceId,
    workflowId: spec.workflowId,
    workflowName: wf.name,
    version: spec.version,
    status: 'queued',
    inputs: spec.inputs,
    trigger: spec.trigger,
    parentRunId: spec.parentRunId,
    parentStepKey: spec.parentStepKey,
    dedupeKey: spec.dedupeKey,
    createdAt: now,
    priority: spec.priority ?? wf.document.priority ?? 0,
    maxConcurrent: wf.document.concurrency ?? null,
  };
}

/** The record of a run insertRunRow has just written (what getRun would read back). */
function newRunRecord(wf: CompiledWorkflow, spec: RunSpec, now: number): RunRecord {
  // Priority and limit are claim inputs, not part of the record getRun reads back.
  const { priority: _priority, maxConcurrent: _limit, ...run } = newRun(wf, spec, now);
  return {
    ...run,
    phase: 'main',
    outputs: null,
    error: null,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    seq: 0,
  };
}

/** Rows for the steps of a scope, all `pending` (the planner makes the first ones ready). */
export function pendingRows(
  runId: string,
  scope: string,
  steps: readonly CompiledStep[],
  keyOf: (step: CompiledStep) => string,
  now: number,
): NewStep[] {
  return steps.map((step) => ({
    runId,
    key: keyOf(step),
    stepId: step.id,
    scope,
    kind: 'step',
    index: step.index,
    status: 'pending',
    dueAt: null,
    item: null,
    target: null,
    createdAt: now,
  }));
}
