/**
 * Eager dispatch. When a unit makes a step of its run startable and the worker that committed it
 * has a free slot, the step is claimed for that worker in the same transaction (pending → running
 * under a lease) and handed to it as soon as the transaction commits, instead of becoming `ready`
 * and waiting for the next claim. The same guarantees hold (lease, guarded commit, expiry); a step
 * saves one claim, one status change and a round trip — most of the cost of a fast step.
 * A step of a local node is taken by the unit itself instead (local-step.ts).
 */
import type { CompiledStep } from '@atom/spec';
import { childKey, ROOT_SCOPE } from '../plan/step-keys.js';
import type {
  ClaimedStep,
  NewStep,
  RunRecord,
  ScopeEntry,
  StepGuard,
  StepPatch,
  StepRecord,
} from '../ports/store-port.js';
import { RunEvents } from './event-types.js';
import { queueLocal } from './local-step.js';
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

/** The patch that claims a pending step for a lease owner (eager dispatch, a failed local step). */
export function eagerClaim(unit: Unit, dispatch: Pick<EagerDispatch, 'owner' | 'leaseMs'>, attempt: number) {
  const { now } = unit;
  return {
    status: 'running',
    attempt,
    leaseOwner: dispatch.owner,
    leaseToken: globalThis.crypto.randomUUID(),
    leaseExpiresAt: now + dispatch.leaseMs,
    startedAt: now,
    dueAt: null,
    updatedAt: now,
  } satisfies StepPatch;
}

function claimed(unit: Unit, step: ClaimedStep, data: Record<string, unknown> | null): void {
  unit.claimed.push(step);
  emit(unit, RunEvents.stepStarted, step.key, { attempt: step.attempt, eager: true, ...data });
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
  if (queueLocal(unit, pending, data)) return;
  if (dispatch && run.status === 'running' && dispatch.take()) {
    const patch = eagerClaim(unit, dispatch, pending.attempt + 1);
    let done = false;
    try {
      done = await tx.updateStep(run.id, key, patch, { statuses: ['pending'] });
    } catch (error) {
      dispatch.giveBack(1);
      throw error;
    }
    if (done) claimed(unit, { ...pending, ...patch, claimedFrom: 'pending' }, data);
    else dispatch.giveBack(1);
    return;
  }
  await tx.updateStep(run.id, key, { status: 'ready', dueAt: now, updatedAt: now }, { statuses: ['pending'] });
  emit(unit, RunEvents.stepReady, key, data);
}

/**
 * makeStartable for a step of a DAG scope whose status was not read: it starts only if it is still
 * `pending` (then it has never run: its first attempt). One statement instead of a read and a
 * write; false, with nothing changed, when the row is not pending.
 */
export async function startIfPending(unit: Unit, scope: string, def: CompiledStep): Promise<boolean> {
  const { tx, run, now, dispatch } = unit;
  const key = childKey(scope, def.id);
  // Whether it is still pending is checked when its result is written (local-step.ts).
  const entry = { key, stepId: def.id, index: def.index, status: 'pending' as const, createdAt: run.createdAt };
  if (queueLocal(unit, pendingRecord(run.id, scope, entry), null)) {
    unit.startedSomething = true;
    return true;
  }
  if (dispatch && run.status === 'running' && dispatch.take()) {
    const patch = eagerClaim(unit, dispatch, 1);
    let entry: ScopeEntry | undefined;
    try {
      entry = await claimPending(unit, scope, def, key, patch);
    } catch (error) {
      dispatch.giveBack(1);
      throw error;
    }
    if (!entry) {
      dispatch.giveBack(1);
      return false;
    }
    unit.startedSomething = true;
    claimed(unit, { ...pendingRecord(run.id, scope, entry), ...patch, claimedFrom: 'pending' }, null);
    return true;
  }
  const ready = { status: 'ready', dueAt: now, updatedAt: now } satisfies StepPatch;
  if (!(await tx.updateStep(run.id, key, ready, { statuses: ['pending'] }))) return false;
  unit.startedSomething = true;
  emit(unit, RunEvents.stepReady, key, null);
  return true;
}

/**
 * The guarded claim of a pending row, and its scope entry. Top-level rows are created with their run
 * (same unit, same time), so their entry is known; in SQLite an UPDATE … RETURNING costs about as
 * much as a read, so only rows of inner scopes (created when their scope started) ask for it.
 */
async function claimPending(
  unit: Unit,
  scope: string,
  def: CompiledStep,
  key: string,
  patch: StepPatch,
): Promise<ScopeEntry | undefined> {
  const { tx, run } = unit;
  const guard = { statuses: ['pending'] } satisfies StepGuard;
  if (scope !== ROOT_SCOPE) return tx.updateStepEntry(run.id, key, patch, guard);
  if (!(await tx.updateStep(run.id, key, patch, guard))) return undefined;
  return { key, stepId: def.id, index: def.index, status: 'pending', createdAt: run.createdAt };
}

/** The full row of a step of a DAG scope that has never run, rebuilt from its scope entry. */
export function pendingRecord(runId: string, scope: string, entry: ScopeEntry): StepRecord {
  return insertedRecord({
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
  });
}

/** The full row of a step as `insertSteps` has just written it. */
export function insertedRecord(step: NewStep): StepRecord {
  // Field by field, not a spread: this runs for every step a chain makes startable, and a spread
  // copy was measured at several per cent of bench:engine's CPU.
  return {
    runId: step.runId,
    key: step.key,
    stepId: step.stepId,
    scope: step.scope,
    kind: step.kind,
    index: step.index,
    status: step.status,
    dueAt: step.dueAt,
    item: step.item,
    target: step.target,
    createdAt: step.createdAt,
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
    updatedAt: step.createdAt,
  };
}
