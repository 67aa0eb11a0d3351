/**
 * Eager dispatch. When a unit makes a step of its run startable and the worker that committed it
 * has a free slot, the step is claimed for that worker in the same transaction (pending → running
 * under a lease) and handed to it as soon as the transaction commits, instead of becoming `ready`
 * and waiting for the next claim. The same guarantees hold (lease, guarded commit, expiry); a step
 * saves one claim, one status change and a round trip — most of the cost of a fast step.
 * A step of a local node (local-step.ts) is claimed the same way for the unit itself, which runs
 * it before committing.
 */
import type { CompiledStep } from '@atom/spec';
import { childKey, ROOT_SCOPE } from '../plan/step-keys.js';
import type {
  ClaimedStep,
  RunRecord,
  ScopeEntry,
  StepGuard,
  StepKind,
  StepPatch,
  StepRecord,
} from '../ports/store-port.js';
import { RunEvents } from './event-types.js';
import { runsLocally } from './local-step.js';
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

/** Who takes a step made startable: this unit itself (local), or the committing worker (eager). */
interface Taker {
  local: boolean;
  owner: string;
  leaseMs: number;
}

/** Lease owner of a local step when no worker committed the unit (its lease ends with the unit). */
const LOCAL_OWNER = 'local';

/** Reserves the step for this unit (a local step) or for the committing worker; null: neither. */
function take(unit: Unit, stepId: string, kind: StepKind): Taker | null {
  const { dispatch, local } = unit;
  if (local && runsLocally(unit, stepId, kind)) {
    local.budget--;
    return { local: true, owner: dispatch?.owner ?? LOCAL_OWNER, leaseMs: unit.services.options.leaseMs };
  }
  if (dispatch && unit.run.status === 'running' && dispatch.take()) {
    return { local: false, owner: dispatch.owner, leaseMs: dispatch.leaseMs };
  }
  return null;
}

/** Undoes `take` when the claim did not happen. */
function giveBack(unit: Unit, taker: Taker): void {
  if (taker.local && unit.local) unit.local.budget++;
  else if (!taker.local) unit.dispatch?.giveBack(1);
}

/** The patch that claims a pending step for its taker. */
function eagerClaim(unit: Unit, taker: Taker, attempt: number) {
  const { now } = unit;
  return {
    status: 'running',
    attempt,
    leaseOwner: taker.owner,
    leaseToken: globalThis.crypto.randomUUID(),
    leaseExpiresAt: now + taker.leaseMs,
    startedAt: now,
    dueAt: null,
    updatedAt: now,
  } satisfies StepPatch;
}

function claimed(unit: Unit, taker: Taker, step: ClaimedStep, data: Record<string, unknown> | null): void {
  if (taker.local && unit.local) {
    unit.local.queue.push(step);
    emit(unit, RunEvents.stepStarted, step.key, { attempt: step.attempt, local: true, ...data });
    return;
  }
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
  const { tx, run, now } = unit;
  const key = pending.key;
  unit.startedSomething = true;
  const taker = take(unit, pending.stepId, pending.kind);
  if (taker) {
    const patch = eagerClaim(unit, taker, pending.attempt + 1);
    let done = false;
    try {
      done = await tx.updateStep(run.id, key, patch, { statuses: ['pending'] });
    } catch (error) {
      giveBack(unit, taker);
      throw error;
    }
    if (done) claimed(unit, taker, { ...pending, ...patch, claimedFrom: 'pending' }, data);
    else giveBack(unit, taker);
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
  const { tx, run, now } = unit;
  const key = childKey(scope, def.id);
  const taker = take(unit, def.id, 'step');
  if (taker) {
    const patch = eagerClaim(unit, taker, 1);
    let entry: ScopeEntry | undefined;
    try {
      entry = await claimPending(unit, scope, def, key, patch);
    } catch (error) {
      giveBack(unit, taker);
      throw error;
    }
    if (!entry) {
      giveBack(unit, taker);
      return false;
    }
    unit.startedSomething = true;
    claimed(unit, taker, { ...pendingRecord(run.id, scope, entry), ...patch, claimedFrom: 'pending' }, null);
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
