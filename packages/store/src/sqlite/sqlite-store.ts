/**
 * StorePort and ControlStore on SQLite (better-sqlite3 through Kysely's SqliteDialect).
 *
 * One connection per store. Kysely hands it to one caller at a time, so calls made while an
 * `atomically` unit is open wait for it to end. Consequence: inside `fn`, use only the StoreTx;
 * calling a method of the store itself from there waits for the unit that is waiting for it (a
 * deadlock). Several stores (processes, or instances in one process) may share a file: each write
 * is an IMMEDIATE transaction and waits for the lock asynchronously up to `busyTimeoutMs`, then
 * fails with ATOM_ERR_STORE_BUSY (retryable).
 */
import { DEFAULT_WORKSPACE_ID, type StorePort } from '@atom/engine';
import type { Statement } from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { AuditStore } from '../control/audit-store.js';
import type { ControlStore } from '../control/control-store.js';
import type { MemberStore } from '../control/member-store.js';
import type { RetentionStore } from '../control/retention-store.js';
import type { RunStatsReader } from '../control/run-stats.js';
import type { SecretStore } from '../control/secret-store.js';
import type { SessionStore } from '../control/session-store.js';
import type { SettingsStore } from '../control/settings-store.js';
import type { WorkspaceStore } from '../control/workspace-store.js';
import { activityQueries } from '../shared/activity-queries.js';
import { cacheQueries } from '../shared/cache-queries.js';
import { controlStatements, controlUnits } from '../shared/control-statements.js';
import { retentionQueries } from '../shared/retention-queries.js';
import { singleStatements } from '../shared/single-statements.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { statsQueries } from '../shared/stats-queries.js';
import { followUp, withStoreTx } from '../shared/store-tx.js';
import { workerQueries } from '../shared/worker-queries.js';
import { retryWhileBusy } from './busy.js';
import { eventFeedCursor, listEvents, readEventFeed, resumeFeedCursor } from './event-queries.js';
import { migrateSqlite } from './migrate.js';
import { openDatabase } from './open-database.js';
import * as queue from './queue-queries.js';
import { getRun, listRuns } from './run-queries.js';
import { directExecutor, kyselyExecutor, type StoreKysely } from './sql-executor.js';
import { SQLITE_DIALECT } from './sqlite-dialect.js';
import { SQLITE_TX_QUERIES } from './sqlite-tx.js';
import { cachedStatements } from './statement-cache.js';
import { getSteps, listRunSteps } from './step-queries.js';
import { findWorkflowVersion, getWorkflowVersion, putWorkflowVersion } from './workflow-queries.js';
import { type WriteUnitContext, writeUnit } from './write-unit.js';

const retention = retentionQueries(SQLITE_DIALECT);
export interface SqliteStoreOptions {
  /** Path of the database file (its folder is created), or ':memory:'. */
  file: string;
  /** How long a write waits for another connection's lock before ATOM_ERR_STORE_BUSY. Default 5000. */
  busyTimeoutMs?: number;
}

/** The SQLite StorePort and ControlStore, on one connection; `file` is where it lives. */
export interface SqliteStore
  extends StorePort,
    ControlStore,
    MemberStore,
    RunStatsReader,
    SessionStore,
    SecretStore,
    AuditStore,
    SettingsStore,
    RetentionStore,
    WorkspaceStore {
  readonly file: string;
}

const cache = cacheQueries(SQLITE_DIALECT);
const workers = workerQueries(SQLITE_DIALECT);
const stats = statsQueries(SQLITE_DIALECT);
const activity = activityQueries(SQLITE_DIALECT, {
  nodeType: "data ->> '$.nodeType'",
  durationMs: "data ->> '$.durationMs'",
});

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

    pruneRuns: (query) => writeUnit(unit, (exec) => retention.pruneRuns(exec, query)),
    atomically: (fn) => writeUnit(unit, (exec) => withStoreTx(SQLITE_TX_QUERIES, exec, fn)),

    putWorkflowVersion: (name, document, hash, now, workspaceId = DEFAULT_WORKSPACE_ID, source = null) =>
      writeUnit(unit, (exec) => putWorkflowVersion(exec, name, document, source, hash, now, undefined, workspaceId)),
    putWorkflowVersionIf: (
      name,
      document,
      hash,
      now,
      expectedVersion,
      workspaceId = DEFAULT_WORKSPACE_ID,
      source = null,
    ) =>
      writeUnit(unit, (exec) =>
        putWorkflowVersion(exec, name, document, source, hash, now, expectedVersion, workspaceId),
      ),
    ...controlUnits((op) => writeUnit(unit, op), SQLITE_DIALECT),

    async claimDue(claim, then) {
      if (claim.limit <= 0 || !(await one((exec) => queue.hasDue(exec, claim.now, claim.runId)))) return [];
      return writeUnit(unit, async (exec) =>
        followUp(SQLITE_TX_QUERIES, exec, await queue.claimDue(exec, claim), then),
      );
    },
    async releaseLeases(release, then) {
      if ((await one((exec) => queue.findReleasable(exec, release))).length === 0) return [];
      return writeUnit(unit, async (exec) =>
        followUp(SQLITE_TX_QUERIES, exec, await queue.releaseLeases(exec, release), then),
      );
    },

    ...singleStatements(one, {
      ...cache,
      ...workers,
      getWorkflowVersion,
      findWorkflowVersion,
      renewLeases: queue.renewLeases,
      nextDueAt: queue.nextDueAt,
      findEventWaiters: queue.findEventWaiters,
      getRun,
      getSteps,
      listRuns,
      listSteps: listRunSteps,
      listEvents,
      readEventFeed,
      eventFeedCursor,
      resumeFeedCursor,
    }),
    ...controlStatements(one, SQLITE_DIALECT),
    runStats: (now, workspaceId) => one((e) => stats.runStats(e, now, workspaceId)),
    // One writer at a time commits ids in order, so an id seen is settled at once (activity-rollup.ts).
    runActivity: (query) =>
      activity.runActivity({ read: one, unit: (work) => writeUnit(unit, work), settleMs: 0 }, query),
  };
}
