/**
 * Replay (DESIGN §4): a new run of the same workflow, created in one unit, whose reused top-level
 * steps are copied from the original run as already finished (outputs, blob references included,
 * exactly as stored), after which the planner makes ready whatever is due — exactly as if those
 * steps had just finished in the new run. `plan/replay-plan.ts` decides what is reused.
 */
import { AtomError } from '@atom/errors';
import type { CompiledWorkflow } from '@atom/spec';
import { newId } from '../ids.js';
import { replayReuse } from '../plan/replay-plan.js';
import { ROOT_SCOPE } from '../plan/step-keys.js';
import type { NewRunEvent, RunRecord, StepRecord, StoreTx } from '../ports/store-port.js';
import type { ControlDeps } from './control-deps.js';
import { RunEvents } from './event-types.js';
import { validateRunInputs } from './run-inputs.js';
import { settleScope } from './settle.js';
import { insertRunRow, pendingRows, type RunSpec } from './start-run.js';
import type { EngineServices, Unit } from './unit.js';

/** Options of Engine.replayRun. */
export interface ReplayOptions {
  /** A top-level step id of the target version: it and its downstream steps run again. */
  fromStep?: string;
  /** The version to run; the original run's when omitted. */
  version?: number;
}

export async function replayRun(deps: ControlDeps, runId: string, options: ReplayOptions): Promise<RunRecord> {
  const original = await deps.store.getRun(runId);
  if (!original) throw new AtomError('ATOM_ERR_RUN_NOT_FOUND', `no run has id ${runId}`);
  const version = options.version ?? original.version;
  const wf = await deps.workflow(original.workflowId, version);
  const fromStep = options.fromStep ?? null;
  if (fromStep !== null && !wf.root.steps.some((step) => step.id === fromStep)) {
    throw new AtomError(
      'ATOM_ERR_REPLAY_STEP_UNKNOWN',
      `"${fromStep}" is not a top-level step of ${wf.name} v${version}`,
    );
  }
  const inputs = original.inputs ?? {};
  validateRunInputs(wf, inputs);
  // Top-level rows only: an onFailure step of the original version may share an id.
  const rows = (
    await deps.store.getSteps(
      runId,
      wf.root.steps.map((step) => step.id),
    )
  ).filter((row) => row.scope === ROOT_SCOPE && row.kind === 'step');
  const reusedIds = new Set(replayReuse(wf.root.steps, fromStep, new Map(rows.map((row) => [row.stepId, row.status]))));
  const now = deps.now();
  const origin = { runId, fromStep };
  const spec: RunSpec = {
    id: newId(now),
    workspaceId: original.workspaceId,
    workflowId: original.workflowId,
    version,
    inputs,
    trigger: replayTrigger(original.trigger, origin),
    parentRunId: null,
    parentStepKey: null,
    dedupeKey: null,
  };
  const events: NewRunEvent[] = [];
  const reused = rows.filter((row) => reusedIds.has(row.stepId));
  const run = await deps.store.atomically(async (tx) => {
    const created = await insertReplay({ tx, services: deps.services, wf, spec, origin, reused, now, events });
    await tx.appendEvents(events);
    return created;
  });
  deps.publish(events);
  if (!run) throw new AtomError('ATOM_ERR_INTERNAL', `run ${spec.id} vanished after it was created`);
  return run;
}

/** Where a replay comes from; kept in the new run's trigger as `replayOf`. */
export interface ReplayOrigin {
  runId: string;
  fromStep: string | null;
}

/**
 * The original trigger plus `replayOf`, so `$trigger` still reads the original request. A trigger
 * that is not an object (written before triggers had a kind) becomes a manual one.
 */
export function replayTrigger(original: unknown, origin: ReplayOrigin): Record<string, unknown> {
  const base =
    typeof original === 'object' && original !== null && !Array.isArray(original)
      ? (original as Record<string, unknown>)
      : { kind: 'manual' };
  return { ...base, replayOf: origin };
}

interface ReplayInsert {
  tx: StoreTx;
  services: EngineServices;
  wf: CompiledWorkflow;
  spec: RunSpec;
  origin: ReplayOrigin;
  /** The original run's rows to copy (top-level steps that ended succeeded or skipped). */
  reused: readonly StepRecord[];
  now: number;
  events: NewRunEvent[];
}

/** Inserts the replay run, copies the reused steps, and lets the planner start what is due. */
async function insertReplay(replay: ReplayInsert): Promise<RunRecord | undefined> {
  const { tx, wf, spec, now, events } = replay;
  await insertRunRow(tx, wf, spec, now, events);
  await tx.insertSteps(pendingRows(spec.id, ROOT_SCOPE, wf.root.steps, (step) => step.id, now));
  // Completion order is kept, so compensation of a failing replay undoes them in reverse order.
  const reused = [...replay.reused].sort((a, b) => (a.completedSeq ?? 0) - (b.completedSeq ?? 0));
  const copied = new Set(reused.map((row) => row.stepId));
  for (const row of reused) {
    const succeeded = row.status === 'succeeded';
    await tx.updateStep(
      spec.id,
      row.key,
      {
        status: row.status,
        input: row.input,
        output: succeeded ? row.output : null,
        itemCount: row.itemCount,
        startedAt: now,
        finishedAt: now,
        completedSeq: succeeded ? await tx.nextSeq(spec.id) : null,
        updatedAt: now,
      },
      { statuses: ['pending'] },
    );
  }
  events.push({
    runId: spec.id,
    type: RunEvents.runReplayed,
    stepKey: null,
    data: { replayOf: replay.origin, reused: wf.root.steps.map((step) => step.id).filter((id) => copied.has(id)) },
    at: now,
  });
  const run = await tx.getRun(spec.id);
  if (!run) return undefined;
  const unit: Unit = {
    tx,
    run,
    wf,
    now,
    services: replay.services,
    events,
    dispatch: null,
    claimed: [],
    succeeded: [],
    startedSomething: false,
    local: null,
  };
  await settleScope(unit, ROOT_SCOPE);
  return tx.getRun(spec.id);
}
