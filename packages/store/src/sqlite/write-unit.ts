/**
 * A write unit: `BEGIN IMMEDIATE` on the store's one connection, the caller's work, then COMMIT
 * (or ROLLBACK and rethrow). IMMEDIATE takes the write lock up front: a deferred transaction that
 * reads and then writes can fail with SQLITE_BUSY without waiting when another process wrote in
 * between. Waiting for the lock happens asynchronously (see busy.ts).
 *
 * In: the shared Kysely instance, the raw handle (to see whether a transaction is still open after
 * an error), the busy timeout, and the work. Out: the work's result, committed.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { isBusyError, retryWhileBusy, storeBusyError } from './busy.js';
import { directExecutor, type StoreKysely } from './sql-executor.js';

export interface WriteUnitContext {
  db: StoreKysely;
  raw: Database;
  /** The cached prepared statements of `raw` (shared with Kysely's driver). */
  prepare: (sql: string) => Statement;
  busyTimeoutMs: number;
  /** True while a unit holds the connection (reads outside units use it to skip Kysely's queue). */
  holder: { inUnit: boolean };
}

/**
 * Runs `work` inside one IMMEDIATE transaction. While it runs, every other call on the same store
 * waits for the connection: `work` must use only the executor (or the StoreTx) it is given.
 */
export function writeUnit<T>(
  { db, raw, prepare, busyTimeoutMs, holder }: WriteUnitContext,
  work: (exec: SqlExecutor, conn: StoreKysely) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    // Kysely hands us the one connection; while we hold it, statements run directly on it.
    const exec = directExecutor(prepare);
    holder.inUnit = true;
    try {
      await retryWhileBusy(busyTimeoutMs, () => exec.run('begin immediate'));
      const result = await work(exec, conn);
      await exec.run('commit');
      return result;
    } catch (error) {
      if (raw.inTransaction) await exec.run('rollback');
      throw isBusyError(error) ? storeBusyError(busyTimeoutMs, error) : error;
    } finally {
      holder.inUnit = false;
    }
  });
}
