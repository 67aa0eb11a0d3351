/**
 * What a claim records, in the claim's own unit: the claimed steps' `step.started` events, their
 * runs marked `running` (with `run.started` the first time), and — for a step whose run has ended
 * meanwhile — its cancellation, so it neither runs nor comes back when its lease expires. A queued
 * run that its workflow's `concurrency` does not admit (another process took the last slot) gives
 * its claimed steps back untouched and stays queued.
 */
import {
  type ClaimedStep,
  type NewRunEvent,
  type RunRecord,
  type StoreTx,
  TERMINAL_RUN_STATUSES,
} from '../ports/store-port.js';
import { cancelStep } from './cancel.js';
import { RunEvents } from './event-types.js';
import { RELEASED } from './step-patches.js';

export interface StartedStep {
  run: RunRecord;
  step: ClaimedStep;
}

export async function recordClaims(
  tx: StoreTx,
  claimed: readonly ClaimedStep[],
  now: number,
  events: NewRunEvent[],
): Promise<StartedStep[]> {
  const runs = new Map<string, RunRecord | null>();
  // Lock runs in one global order (by id), so two claimers can never deadlock on each other's runs.
  const runIds = [...new Set(claimed.map((step) => step.runId))].sort();
  // One statement for all of them; each getRun below is then answered by the unit.
  if (runIds.length > 1) await tx.getRuns(runIds);
  const queued: string[] = [];
  for (const runId of runIds) {
    const run = await tx.getRun(runId);
    if (run?.status === 'queued') queued.push(runId);
  }
  const refused = new Set(await tx.refusedAdmissions(queued));
  for (const runId of runIds) {
    const run = await tx.getRun(runId);
    if (!run || TERMINAL_RUN_STATUSES.includes(run.status)) {
      runs.set(runId, null);
      continue;
    }
    if (refused.has(runId)) continue;
    if (run.status === 'queued' || run.status === 'waiting') {
      await tx.updateRun(run.id, { status: 'running', startedAt: run.startedAt ?? now, updatedAt: now });
      if (run.status === 'queued') {
        events.push({ runId: run.id, type: RunEvents.runStarted, stepKey: null, data: null, at: now });
      }
      run.status = 'running';
    }
    runs.set(run.id, run);
  }
  const started: StartedStep[] = [];
  for (const step of claimed) {
    if (refused.has(step.runId)) {
      await unclaim(tx, step, now);
      continue;
    }
    const run = runs.get(step.runId);
    if (!run) {
      await cancelStep(tx, step, now, events);
      continue;
    }
    events.push({
      runId: step.runId,
      type: RunEvents.stepStarted,
      stepKey: step.key,
      data: { attempt: step.attempt, resumed: step.resume !== null },
      at: now,
    });
    started.push({ run, step });
  }
  return started;
}

/** Gives a step of a run that may not start yet back to the queue, as it was before the claim. */
async function unclaim(tx: StoreTx, step: ClaimedStep, now: number): Promise<void> {
  const resumed = step.claimedFrom === 'waiting' || step.resume !== null;
  await tx.updateStep(
    step.runId,
    step.key,
    {
      status: step.claimedFrom,
      attempt: resumed ? step.attempt : step.attempt - 1,
      ...(resumed || step.attempt > 1 ? {} : { startedAt: null }),
      dueAt: now,
      ...RELEASED,
      updatedAt: now,
    },
    { leaseToken: step.leaseToken },
  );
}
