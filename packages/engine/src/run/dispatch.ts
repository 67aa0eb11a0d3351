/**
 * Eager dispatch. When a unit makes a step of its run startable and the worker that committed it
 * has a free slot, the step is claimed for that worker in the same transaction (pending → running
 * under a lease) and handed to it as soon as the transaction commits, instead of becoming `ready`
 * and waiting for the next claim. The same guarantees hold (lease, guarded commit, expiry); a step
 * saves one claim, one status change and a round trip — most of the cost of a fast step.
 */
import type { ClaimedStep, RunRecord } from '../ports/store-port.js';
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

/** Makes a pending step startable: claimed for the committing worker if it can take it, else `ready`. */
export async function makeStartable(
  unit: Unit,
  key: string,
  data: Record<string, unknown> | null = null,
): Promise<void> {
  const { tx, run, now, dispatch } = unit;
  if (dispatch && run.status === 'running' && dispatch.take()) {
    const claimed = await tx.updateStep(
      run.id,
      key,
      {
        status: 'running',
        attempt: 1,
        leaseOwner: dispatch.owner,
        leaseToken: globalThis.crypto.randomUUID(),
        leaseExpiresAt: now + dispatch.leaseMs,
        startedAt: now,
        dueAt: null,
        updatedAt: now,
      },
      { statuses: ['pending'] },
    );
    if (claimed) {
      unit.claimed.push(key);
      emit(unit, RunEvents.stepStarted, key, { attempt: 1, eager: true, ...data });
      return;
    }
    dispatch.giveBack(1);
    return;
  }
  await tx.updateStep(run.id, key, { status: 'ready', dueAt: now, updatedAt: now }, { statuses: ['pending'] });
  emit(unit, RunEvents.stepReady, key, data);
}
