/**
 * A unit: BEGIN on one pooled client, the work, then COMMIT (or ROLLBACK and rethrow); the client
 * goes back to the pool in every case, or is destroyed when its connection broke.
 *
 * READ COMMITTED, like PostgreSQL's default: units of one run are serialised by the run row's lock
 * (StoreTx.getRun is `select … for update`), claims by `for update skip locked`.
 *
 * In: the pool and the work. Out: the work's result, committed. A statement that failed inside the
 * unit aborts the whole transaction in PostgreSQL, even if the work caught its error; COMMIT then
 * answers ROLLBACK, and the unit throws instead of reporting a commit that did not happen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AtomError } from '@atom/errors';
import type { Pool, PoolClient } from 'pg';
import { conflictError, isConflict, toStoreError } from './pg-errors.js';
import { type ClientExecutor, clientExecutor } from './sql-executor.js';

async function connect(pool: Pool): Promise<PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw toStoreError(error);
  }
}

export async function writeUnit<T>(pool: Pool, work: (exec: ClientExecutor) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  const exec = clientExecutor(client);
  let broken: Error | undefined;
  try {
    await exec.run('begin');
    const result = await work(exec);
    if ((await exec.command('commit')) === 'ROLLBACK') {
      throw new AtomError(
        'ATOM_ERR_INTERNAL',
        'a statement of this unit failed, so PostgreSQL rolled the whole unit back (a caught store error still aborts the unit)',
      );
    }
    return result;
  } catch (error) {
    try {
      await exec.run('rollback');
    } catch (rollbackError) {
      // The connection is gone (or unusable): do not hand it to the next caller.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Attempts of a store-owned operation that keeps meeting conflicts, before giving up busy. */
const MAX_ATTEMPTS = 4;

/**
 * Runs `operation` again after a deadlock or serialization failure (PostgreSQL undid it), up to
 * MAX_ATTEMPTS times with a growing, jittered pause, then fails with ATOM_ERR_STORE_BUSY. Only for
 * operations whose every step is the store's own: a caller's callback may keep state outside the
 * unit (the engine collects the events of a claim in an array it publishes afterwards), so running
 * it twice is unsafe; see `rethrowConflict` for those.
 */
export async function retryConflicts<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw conflictError(error);
      // 2, 4, 8 ms, each ±50% so that the colliding transactions do not meet again in lockstep.
      await sleep(2 ** attempt * (0.5 + Math.random()));
    }
  }
}

/** For units that run a caller's callback: a conflict is reported (retryable), never replayed. */
export function rethrowConflict(error: unknown): never {
  throw isConflict(error) ? conflictError(error) : error;
}
