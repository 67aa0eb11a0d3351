/**
 * Cancelling inside a unit: single steps, a subtree of a container, or a whole run with the child
 * runs it waits for. Works on any run of the store, without its workflow definition.
 */
import type { ErrorRecord } from '@atom/errors';
import {
  type NewRunEvent,
  type RunRecord,
  type StepRecord,
  type StoreTx,
  TERMINAL_RUN_STATUSES,
  TERMINAL_STEP_STATUSES,
} from '../ports/store-port.js';
import { RunEvents } from './event-types.js';
import { cancelledPatch, failedPatch } from './step-patches.js';

const OPEN_STATUSES = ['pending', 'ready', 'running', 'retrying', 'waiting'] as const;

export function isOpen(row: Pick<StepRecord, 'status'>): boolean {
  return !TERMINAL_STEP_STATUSES.includes(row.status);
}

/** Cancels one open step; a step waiting for a child run cancels that run too. */
export async function cancelStep(tx: StoreTx, row: StepRecord, now: number, events: NewRunEvent[]): Promise<void> {
  const changed = await tx.updateStep(row.runId, row.key, cancelledPatch(now), { statuses: OPEN_STATUSES });
  if (!changed) return;
  events.push({ runId: row.runId, type: RunEvents.stepCancelled, stepKey: row.key, data: null, at: now });
  if (row.wait?.kind === 'child') await cancelRunCascade(tx, row.wait.runId, now, events, null);
}

/** Cancels every open step of a run whose key satisfies `which`. */
export async function cancelSteps(
  tx: StoreTx,
  runId: string,
  now: number,
  events: NewRunEvent[],
  which: (row: StepRecord) => boolean = () => true,
): Promise<void> {
  for (const row of await tx.listRunSteps(runId)) {
    if (isOpen(row) && which(row)) await cancelStep(tx, row, now, events);
  }
}

/** Steps inside the container instance `key` (its children, iterations, and theirs). */
export function insideOf(key: string): (row: StepRecord) => boolean {
  return (row) => row.key.startsWith(`${key}.`) || row.key.startsWith(`${key}[`);
}

/**
 * Cancels a run that has not ended: its open steps, the child runs they wait for, then the run.
 * When `wake` is given, a parent step waiting for this run is woken with the cancellation.
 * Returns false when the run had already ended (terminal states are never overwritten).
 */
export async function cancelRunCascade(
  tx: StoreTx,
  runId: string,
  now: number,
  events: NewRunEvent[],
  wake: { reason: string } | null,
): Promise<boolean> {
  const run = await tx.getRun(runId);
  if (!run || TERMINAL_RUN_STATUSES.includes(run.status)) return false;
  await cancelSteps(tx, runId, now, events);
  const error: ErrorRecord = {
    code: 'ATOM_ERR_RUN_CANCELLED',
    message: wake?.reason ?? 'cancelled with its parent run',
    retryable: false,
  };
  await tx.updateRun(runId, { status: 'cancelled', phase: 'ended', error, finishedAt: now, updatedAt: now });
  events.push({ runId, type: RunEvents.runCancelled, stepKey: null, data: { reason: error.message }, at: now });
  if (wake && run.parentRunId && run.parentStepKey) {
    await wakeParent(tx, run.parentRunId, run.parentStepKey, now, events, {
      reason: 'child',
      runId,
      status: 'cancelled',
      outputs: null,
      error,
    });
  }
  return true;
}

/** Makes the parent's `workflow.call` step ready again with the child's result. */
export async function wakeParent(
  tx: StoreTx,
  parentRunId: string,
  parentStepKey: string,
  now: number,
  events: NewRunEvent[],
  resume: {
    reason: 'child';
    runId: string;
    status: 'succeeded' | 'failed' | 'cancelled';
    outputs: unknown;
    error: ErrorRecord | null;
  },
): Promise<boolean> {
  const woke = await tx.updateStep(
    parentRunId,
    parentStepKey,
    { status: 'ready', dueAt: now, resume, wait: null, updatedAt: now },
    { statuses: ['waiting'] },
  );
  if (woke) {
    events.push({
      runId: parentRunId,
      type: RunEvents.stepWoken,
      stepKey: parentStepKey,
      data: { child: resume.runId, status: resume.status },
      at: now,
    });
  }
  return woke;
}

/**
 * Fails a claimed step and its whole run without the workflow's definition: the last resort when
 * a failure cannot be recorded the normal way (a stored version that no longer compiles, a unit
 * that keeps throwing). No compensation can run without the definition; the run ends `failed`
 * with the error, so nothing is retried forever. Applies only while the caller holds the lease.
 */
export async function abandonRun(
  tx: StoreTx,
  claimed: Pick<StepRecord, 'runId' | 'key' | 'attempt'> & { leaseToken: string },
  error: ErrorRecord,
  now: number,
  events: NewRunEvent[],
): Promise<boolean> {
  const held = await tx.updateStep(claimed.runId, claimed.key, failedPatch(error, now), {
    statuses: ['running'],
    leaseToken: claimed.leaseToken,
  });
  if (!held) return false;
  events.push({
    runId: claimed.runId,
    type: RunEvents.stepFailed,
    stepKey: claimed.key,
    data: { attempt: claimed.attempt, error },
    at: now,
  });
  const run = await tx.getRun(claimed.runId);
  if (!run || TERMINAL_RUN_STATUSES.includes(run.status)) return true;
  await endRunFailed(tx, run, { ...error, data: { ...error.data, step: claimed.key } }, now, events);
  return true;
}

/**
 * Ends a run `failed` with `error`: whatever is still open is cancelled (nested steps included),
 * and a parent waiting for it is woken. Needs no workflow definition.
 */
export async function endRunFailed(
  tx: StoreTx,
  run: RunRecord,
  error: ErrorRecord | null,
  now: number,
  events: NewRunEvent[],
): Promise<void> {
  await cancelSteps(tx, run.id, now, events);
  await tx.updateRun(run.id, { status: 'failed', phase: 'ended', error, finishedAt: now, updatedAt: now });
  Object.assign(run, { status: 'failed', phase: 'ended', error, finishedAt: now });
  events.push({ runId: run.id, type: RunEvents.runFailed, stepKey: null, data: { error }, at: now });
  if (run.parentRunId && run.parentStepKey) {
    await wakeParent(tx, run.parentRunId, run.parentStepKey, now, events, {
      reason: 'child',
      runId: run.id,
      status: 'failed',
      outputs: null,
      error,
    });
  }
}
