/**
 * The units that record what happened to one claimed step. Each applies only while the caller
 * still holds the step's lease (compare-and-set on status `running` and the lease token): a late
 * worker whose lease expired, or whose run was cancelled, changes nothing. In the same unit the
 * consequences are decided: next steps ready, retries scheduled, scopes and runs completed.
 */
import type { ErrorRecord } from '@atom/errors';
import type { CompiledWorkflow } from '@atom/spec';
import { retryDelayMs, shouldRetry } from '../plan/retry-delay.js';
import { childKey, iterationKey } from '../plan/step-keys.js';
import type { Suspension } from '../ports/node-registry.js';
import type { ClaimedStep, StepGuard, StepPatch, StepRecord, WaitInfo } from '../ports/store-port.js';
import { insertedRecord, makeStartable } from './dispatch.js';
import { RunEvents } from './event-types.js';
import { afterFailure, markFailed } from './failure.js';
import { isLocalStep } from './local-step.js';
import { settleCompensation, settleScope } from './settle.js';
import { insertRun, pendingRows } from './start-run.js';
import { RELEASED } from './step-patches.js';
import { emit, stepDef, stepTiming, type Unit } from './unit.js';

function held(claimed: ClaimedStep): StepGuard {
  return { statuses: ['running'], leaseToken: claimed.leaseToken };
}

async function settleAfter(unit: Unit, claimed: StepRecord): Promise<void> {
  if (claimed.kind === 'compensation') await settleCompensation(unit);
  else await settleScope(unit, claimed.scope, claimed.kind === 'step' ? { id: claimed.stepId, ran: true } : null);
}

/** A run event a node's success announces (NodeDefinition.outputEvent), with its data ready to store. */
export interface Announcement {
  type: string;
  data: unknown;
}

export async function commitSuccess(
  unit: Unit,
  claimed: ClaimedStep,
  input: unknown,
  output: unknown,
  details: { cached?: boolean } = {},
  announcement: Announcement | null = null,
): Promise<boolean> {
  const release = { ...RELEASED, error: null, wait: null };
  return recordSuccess(
    unit,
    claimed,
    { release, guard: held(claimed), started: null },
    input,
    output,
    details,
    announcement,
  );
}

/**
 * How a step's success is written: what the patch also sets (`release`), the compare-and-set that
 * must hold, and the data of a `step.started` event to append first (a local step, which was not
 * written before its result).
 */
export interface SuccessWrite {
  release: StepPatch;
  guard: StepGuard;
  started: Record<string, unknown> | null;
}

/** commitSuccess for `row` held as `write` says; false, with nothing changed, when the guard fails. */
export async function recordSuccess(
  unit: Unit,
  row: StepRecord,
  write: SuccessWrite,
  input: unknown,
  output: unknown,
  details: { cached?: boolean } = {},
  announcement: Announcement | null = null,
): Promise<boolean> {
  const { tx, run, now } = unit;
  const seq = await tx.nextSeq(run.id);
  const patch: StepPatch = {
    status: 'succeeded',
    input,
    output,
    finishedAt: now,
    completedSeq: seq,
    updatedAt: now,
    ...write.release,
  };
  if (!(await tx.updateStep(run.id, row.key, patch, write.guard))) return false;
  if (write.started) emit(unit, RunEvents.stepStarted, row.key, write.started);
  emit(unit, RunEvents.stepSucceeded, row.key, {
    attempt: row.attempt,
    ...stepTiming(unit, row),
    ...details,
  });
  if (announcement) emit(unit, announcement.type, row.key, announcement.data);
  unit.succeeded.push({
    key: row.key,
    status: 'succeeded',
    output,
    error: null,
    item: row.item,
    index: row.index,
  });
  await settleAfter(unit, row);
  return true;
}

/** A failed attempt: retried later under the step's policy, or failed for good. */
export async function commitError(
  unit: Unit,
  claimed: ClaimedStep,
  error: ErrorRecord,
  input: unknown,
): Promise<boolean> {
  const { tx, run, now } = unit;
  const policy = stepDef(unit, claimed).retry;
  if (shouldRetry(policy, claimed.attempt, error.retryable)) {
    const delayMs = retryDelayMs(policy, claimed.attempt, error.retryAfterMs, unit.services.random);
    const done = await tx.updateStep(
      run.id,
      claimed.key,
      { ...RELEASED, status: 'retrying', dueAt: now + delayMs, input, error, resume: null, updatedAt: now },
      held(claimed),
    );
    if (done) emit(unit, RunEvents.stepRetrying, claimed.key, { attempt: claimed.attempt, delayMs, error });
    return done;
  }
  const row = { ...claimed, input };
  await tx.updateStep(run.id, claimed.key, { input }, held(claimed));
  if (!(await markFailed(unit, row, error, held(claimed)))) return false;
  await afterFailure(unit, row, error);
  return true;
}

export async function commitSkip(unit: Unit, claimed: ClaimedStep): Promise<boolean> {
  const { tx, run, now } = unit;
  const done = await tx.updateStep(
    run.id,
    claimed.key,
    { ...RELEASED, status: 'skipped', finishedAt: now, updatedAt: now },
    held(claimed),
  );
  if (!done) return false;
  emit(unit, RunEvents.stepSkipped, claimed.key, { reason: 'if' });
  await settleScope(unit, claimed.scope, { id: claimed.stepId, ran: false });
  return true;
}

/** The child run a `workflow.call` starts, prepared before the unit (its workflow is compiled). */
export interface ChildRunPlan {
  id: string;
  workflowId: string;
  version: number;
  wf: CompiledWorkflow;
  inputs: unknown;
}

export async function commitSuspend(
  unit: Unit,
  claimed: ClaimedStep,
  input: unknown,
  suspension: Suspension,
  child: ChildRunPlan | null,
): Promise<boolean> {
  const { tx, run, now } = unit;
  let wait: WaitInfo;
  let dueAt: number | null = null;
  if (suspension.kind === 'timer') {
    wait = { kind: 'timer', until: suspension.until };
    dueAt = suspension.until;
  } else if (suspension.kind === 'event') {
    wait = { kind: 'event', name: suspension.name, filter: suspension.filter, timeoutAt: suspension.timeoutAt };
    dueAt = suspension.timeoutAt;
  } else if (suspension.kind === 'approval') {
    const { approvers, message, timeoutAt } = suspension;
    wait = { kind: 'approval', approvers, message, timeoutAt };
    dueAt = timeoutAt;
  } else {
    if (!child) throw new Error('a child suspension needs its prepared child run');
    wait = { kind: 'child', runId: child.id };
  }
  const done = await tx.updateStep(
    run.id,
    claimed.key,
    { ...RELEASED, status: 'waiting', dueAt, wait, input, resume: null, updatedAt: now },
    held(claimed),
  );
  if (!done) return false;
  emit(unit, RunEvents.stepWaiting, claimed.key, { wait });
  if (wait.kind === 'approval') {
    // Its own event, so notifiers (chat, e-mail, the Studio) need not decode every wait.
    emit(unit, RunEvents.stepApprovalRequested, claimed.key, {
      approvers: wait.approvers,
      message: wait.message,
      timeoutAt: wait.timeoutAt,
    });
  }
  if (child) {
    await insertRun(
      tx,
      child.wf,
      {
        id: child.id,
        workspaceId: run.workspaceId,
        workflowId: child.workflowId,
        version: child.version,
        inputs: child.inputs,
        // `runId` is the parent run (kept under this name so `$trigger.runId` reads as before).
        trigger: { kind: 'child', runId: run.id, step: claimed.key },
        parentRunId: run.id,
        parentStepKey: claimed.key,
        dedupeKey: null,
      },
      now,
      unit.events,
    );
  }
  return true;
}

/** A foreach step (items given) or a group (items null) hands over to its inner steps. */
export async function commitExpand(unit: Unit, claimed: ClaimedStep, items: unknown[] | null): Promise<boolean> {
  const { tx, run, now } = unit;
  const def = stepDef(unit, claimed);
  if (items !== null && items.length === 0) return commitSuccess(unit, claimed, null, []);
  const done = await tx.updateStep(
    run.id,
    claimed.key,
    { ...RELEASED, wait: { kind: 'children' }, itemCount: items?.length ?? null, updatedAt: now },
    held(claimed),
  );
  if (!done) return false;
  if (items !== null) {
    // Iterations of a local node that this unit can run are written pending and queued here (as
    // far as its budget goes, local-step.ts), instead of ready for a claim each (ADR 0021).
    const here = unit.local !== null && isLocalStep(unit.wf, unit.local.nodes, def.id, 'iteration');
    const rows = items.map((item, index) => {
      const ready = !here && index < def.concurrency;
      const key = iterationKey(claimed.key, index);
      if (ready) emit(unit, RunEvents.stepReady, key);
      return {
        runId: run.id,
        key,
        stepId: def.id,
        scope: claimed.key,
        kind: 'iteration' as const,
        index,
        status: ready ? ('ready' as const) : ('pending' as const),
        dueAt: ready ? now : null,
        item,
        target: null,
        createdAt: now,
      };
    });
    await tx.insertSteps(rows);
    emit(unit, RunEvents.stepExpanded, claimed.key, { items: items.length });
    if (here) for (const row of rows.slice(0, def.concurrency)) await makeStartable(unit, insertedRecord(row));
    return true;
  }
  const children = def.children?.steps ?? [];
  await tx.insertSteps(pendingRows(run.id, claimed.key, children, (step) => childKey(claimed.key, step.id), now));
  emit(unit, RunEvents.stepExpanded, claimed.key, { steps: children.length });
  await settleScope(unit, claimed.key);
  return true;
}
