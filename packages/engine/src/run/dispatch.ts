/**
 * Eager dispatch. When a unit makes a step of its run startable and the worker that committed it
 * has a free slot, the step is claimed for that worker in the same transaction (pending → running
 * under a lease) and handed to it as soon as the transaction commits, instead of becoming `ready`
 * and waiting for the next claim. The same guarantees hold (lease, guarded commit, expiry); a step
 * saves one claim, one status change and a round trip — most of the cost of a fast step.
 */
import type { ClaimedStep, RunRecord, ScopeEntry, StepPatch, StepRecord } from '../ports/store-port.js';
import { RunEvents } from './event-types.js';
import { emit, type Unit } from './unit.js';

/** A worker's offer to take steps committed by its own units. */
export interface EagerDispatch {
  readonly owner: string;
  readonly leaseMs: number;
  /** Reserves one slot; false when the worker is full or stopping. */
  take(): boolean;
  /** Returns reserved slots that were not used (the transaction rolled back). */
  giveBack(count: number): void;
  /** Hands over the steps claimed for this worker, once their transaction has committed. */
  deliver(run: RunRecord, steps: ClaimedStep[]): void;
}

/**
 * Makes a pending step startable: claimed for the committing worker if it can take it, else
 * `ready`. `pending` is the row as it is now (status `pending`, never claimed).
 */
export async function makeStartable(
  unit: Unit,
  pending: StepRecord,
  data: Record<string, unknown> | null = null,
): Promise<void> {
  const { tx, run, now, dispatch } = unit;
  const key = pending.key;
  unit.startedSomething = true;
  if (dispatch && run.status === 'running' && dispatch.take()) {
    const patch = {
      status: 'running',
      attempt: pending.attempt + 1,
      leaseOwner: dispatch.owner,
      leaseToken: globalThis.crypto.randomUUID(),
      leaseExpiresAt: now + dispatch.leaseMs,
      startedAt: now,
      dueAt: null,
      updatedAt: now,
    } satisfies StepPatch;
    let claimed = false;
    try {
      claimed = await tx.updateStep(run.id, key, patch, { statuses: ['pending'] });
    } catch (error) {
      dispatch.giveBack(1);
      throw error;
    }
    if (claimed) {
      unit.claimed.push({ ...pending, ...patch, claimedFrom: 'pending' });
      emit(unit, RunEvents.stepStarted, key, { attempt: patch.attempt, eager: true, ...data });
      return;
    }
    dispatch.giveBack(1);
    return;
  }
  await tx.updateStep(run.id, key, { status: 'ready', dueAt: now, updatedAt: now }, { statuses: ['pending'] });
  emit(unit, RunEvents.stepReady, key, data);
}

/** The full row of a step of a DAG scope that has never run, rebuilt from its scope entry. */
export function pendingRecord(runId: string, scope: string, entry: ScopeEntry): StepRecord {
  return {
    runId,
    key: entry.key,
    stepId: entry.stepId,
    scope,
    kind: 'step',
    index: entry.index,
    status: 'pending',
    dueAt: null,
    item: null,
    target: null,
    createdAt: entry.createdAt,
    attempt: 0,
    leaseOwner: null,
    leaseToken: null,
    leaseExpiresAt: null,
    input: null,
    output: null,
    error: null,
    wait: null,
    resume: null,
    itemCount: null,
    startedAt: null,
    finishedAt: null,
    completedSeq: null,
    updatedAt: entry.createdAt,
  };
}
