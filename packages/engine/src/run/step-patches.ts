/** Step patches written from several places, so each reads the same everywhere. */
import type { ErrorRecord } from '@atom/errors';
import type { StepPatch } from '../ports/store-port.js';

/** Gives up the step's lease (it ended, parked, or waits for its inner steps). */
export const RELEASED: StepPatch = { leaseOwner: null, leaseToken: null, leaseExpiresAt: null };

/** The step failed for good with `error`. */
export function failedPatch(error: ErrorRecord, now: number): StepPatch {
  return { ...RELEASED, status: 'failed', error, wait: null, finishedAt: now, updatedAt: now };
}

/** The step was cancelled (with its run, or with a failing group). */
export function cancelledPatch(now: number): StepPatch {
  return { ...RELEASED, status: 'cancelled', finishedAt: now, updatedAt: now };
}
