/**
 * StorePort on SQLite (better-sqlite3 through Kysely's SqliteDialect).
 *
 * One connection per store. Kysely hands it to one caller at a time, so calls made while an
 * `atomically` unit is open wait for it to end. Consequence: inside `fn`, use only the StoreTx;
 * calling a method of the store itself from there waits for the unit that is waiting for it (a
 * deadlock). Several stores (processes, or instances in one process) may share a file: each write
 * is an IMMEDIATE transaction and waits for the lock asynchronously up to `busyTimeoutMs`, then
 * fails with ATOM_ERR_STORE_BUSY (retryable).
 */
import type { StorePort, StoreTx } from '@atom/engine';
import type { Statement } from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { retryWhileBusy } from './busy.js';
import { cacheCount, cacheGet, cacheSet, cacheStats } from './cache-queries.js';
import { listEvents } from './event-queries.js';
import { migrateSqlite } from './migrate.js';
import { openDatabase } from './open-database.js';
import * as queue from './queue-queries.js';
import { getRun, listRuns } from './run-queries.js';
import {
  closableExecutor,
  directExecutor,
  kyselyExecutor,
  type SqlExecutor,
  type StoreKysely,
} from './sql-executor.js';
import { createSqliteTx } from './sqlite-tx.js';
import { cachedStatements } from './statement-cache.js';
import { getSteps, listRunSteps } from './step-queries.js';
import { heartbeatWorker, listWorkers, registerWorker, removeWorker } from './worker-queries.js';
import { getWorkflowVersion, putWorkflowVersion } from './workflow-queries.js';
import { type WriteUnitContext, writeUnit } from './write-unit.js';

export interface SqliteStoreOptions {
  /** Path of the database file (its folder is created), or ':memory:'. */
  file: string;
  /** How long a write waits for another connection's lock before ATOM_ERR_STORE_BUSY. Default 5000. */
  busyTimeoutMs?: number;
}

/** The SQLite StorePort; `file` is where it lives. */
export interface SqliteStore extends StorePort {
  readonly file: string;
}

/** Hands `fn` a StoreTx on the unit's executor that stops working when `fn` is done. */
async function withTx<T>(exec: SqlExecutor, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  const txExec = closableExecutor(exec);
  try {
    return await fn(createSqliteTx(txExec));
  } finally {
    txExec.close();
  }
}

/**
 * Opens (or creates) a SQLite store. Call `migrate()` before anything else.
 *
 * @example
 * const store = createSqliteStore({ file: './data/atom.db' });
 * await store.migrate();
 * const run = await store.getRun(runId);
 * await store.close();
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const { file } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const raw = openDatabase(file, busyTimeoutMs);
  const statements = cachedStatements(raw);
  const db: StoreKysely = new Kysely({ dialect: new SqliteDialect({ database: statements }) });
  const prepare = (sql: string) => statements.prepare(sql) as Statement;
  const holder = { inUnit: false };
  const unit: WriteUnitContext = { db, raw, prepare, busyTimeoutMs, holder };
  const queued = kyselyExecutor(db);
  const direct = directExecutor(prepare);
  /**
   * One statement on the shared connection (reads, and writes that are a single statement). When
   * no unit holds the connection the statement runs at once (better-sqlite3 is synchronous, so
   * nothing can interleave); otherwise it queues behind the unit, never reading its uncommitted writes.
   */
  const one = <T>(op: (exec: SqlExecutor) => Promise<T>): Promise<T> =>
    retryWhileBusy(busyTimeoutMs, () => op(holder.inUnit ? queued : direct));
  let closed: Promise<void> | undefined;

  return {
    file,
    migrate: () => migrateSqlite(unit, file),
    close() {
      // Waits for the connection, so a unit in progress finishes first.
      closed ??= db
        .connection()
        .execute(async () => {})
        .then(() => db.destroy());
      return closed;
    },

    atomically: (fn) => writeUnit(unit, (exec) => withTx(exec, fn)),

    putWorkflowVersion: (name, document, hash, now) =>
      writeUnit(unit, (exec) => putWorkflowVersion(exec, name, document, hash, now)),
    getWorkflowVersion: (idOrName, version) => one((exec) => getWorkflowVersion(exec, idOrName, version)),

    async claimDue(claim, then) {
      if (claim.limit <= 0 || !(await one((exec) => queue.hasDue(exec, claim.now, claim.runId)))) return [];
      return writeUnit(unit, async (exec) => {
        const claimed = await queue.claimDue(exec, claim);
        if (then && claimed.length > 0) await withTx(exec, (tx) => then(tx, claimed));
        return claimed;
      });
    },
    renewLeases: (owner, tokens, expiresAt) => one((exec) => queue.renewLeases(exec, owner, tokens, expiresAt)),
    async releaseLeases(release, then) {
      if ((await one((exec) => queue.findReleasable(exec, release))).length === 0) return [];
      return writeUnit(unit, async (exec) => {
        const released = await queue.releaseLeases(exec, release);
        if (then && released.length > 0) await withTx(exec, (tx) => then(tx, released));
        return released;
      });
    },
    nextDueAt: () => one(queue.nextDueAt),
    findEventWaiters: (name) => one((exec) => queue.findEventWaiters(exec, name)),

    getRun: (runId) => one((exec) => getRun(exec, runId)),
    getSteps: (runId, keys) => one((exec) => getSteps(exec, runId, keys)),
    listRuns: (filter) => one((exec) => listRuns(exec, filter)),
    listSteps: (runId) => one((exec) => listRunSteps(exec, runId)),
    listEvents: (runId, afterId) => one((exec) => listEvents(exec, runId, afterId)),

    cacheGet: (key, now) => one((exec) => cacheGet(exec, key, now)),
    cacheSet: (key, value, expiresAt) => one((exec) => cacheSet(exec, key, value, expiresAt)),
    cacheCount: (nodeType, outcome) => one((exec) => cacheCount(exec, nodeType, outcome)),
    cacheStats: () => one(cacheStats),

    registerWorker: (worker) => one((exec) => registerWorker(exec, worker)),
    heartbeatWorker: (id, now) => one((exec) => heartbeatWorker(exec, id, now)),
    removeWorker: (id) => one((exec) => removeWorker(exec, id)),
    listWorkers: () => one(listWorkers),
  };
}
