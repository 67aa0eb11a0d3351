/**
 * StorePort and ControlStore on PostgreSQL (pg, with Kysely's PostgresDialect over the same pool for migrations).
 *
 * A pool of up to `poolMax` connections. Each `atomically` unit holds one connection from BEGIN to
 * COMMIT; calls outside units run as single statements on any free connection (each is atomic on
 * its own). Consequence: inside `fn`, use only the StoreTx. A store method called from there needs
 * a second connection, and with every connection held by a waiting unit it waits forever.
 * Any number of processes may share a database: units of one run serialise on the run row's lock,
 * claims and releases skip rows another process holds (`for update skip locked`).
 */
import { DEFAULT_WORKSPACE_ID, type StorePort } from '@atom/engine';
import { Kysely, PostgresDialect } from 'kysely';
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
import { followUp, type TxQueries, withStoreTx } from '../shared/store-tx.js';
import { workerQueries } from '../shared/worker-queries.js';
import { eventFeedCursor, listEvents, readEventFeed, resumeFeedCursor } from './event-queries.js';
import { migratePostgres } from './migrate.js';
import { openPool } from './open-pool.js';
import { POSTGRES_DIALECT } from './postgres-dialect.js';
import { type PostgresStoreOptions, resolvePostgresOptions } from './postgres-options.js';
import { POSTGRES_TX_QUERIES } from './postgres-tx.js';
import * as queue from './queue-queries.js';
import { readyListener, STEPS_READY_CHANNEL } from './ready-listener.js';
import { trackReady } from './ready-tracking.js';
import { getRun, listRuns } from './run-queries.js';
import { poolExecutor } from './sql-executor.js';
import { getSteps, listRunSteps } from './step-queries.js';
import { findWorkflowVersion, getWorkflowVersion, putWorkflowVersion } from './workflow-queries.js';
import { rethrowConflict, retryConflicts, writeUnit } from './write-unit.js';

export type { PostgresStoreOptions } from './postgres-options.js';

/** The PostgreSQL StorePort and ControlStore, on one pool; `connectionString` is where it lives (it may hold a password). */

const retention = retentionQueries(POSTGRES_DIALECT);
export interface PostgresStore
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
  readonly connectionString: string;
  /**
   * Single statements on the store's pool, for tables the server owns in the same database (the
   * `rate_limits` counters of migration 0024, shared by every API process without Redis).
   */
  readonly counters: Pick<SqlExecutor, 'all' | 'run'>;
}

const cache = cacheQueries(POSTGRES_DIALECT);
const workers = workerQueries(POSTGRES_DIALECT);
const stats = statsQueries(POSTGRES_DIALECT);
const activity = activityQueries(POSTGRES_DIALECT, {
  nodeType: "data ->> 'nodeType'",
  durationMs: "(data ->> 'durationMs')::float8",
});

/**
 * Connects lazily to PostgreSQL: nothing is opened until the first call. Call `migrate()` before
 * anything else. Bad options throw ATOM_ERR_CONFIG_INVALID at once; an unreachable server makes
 * calls fail with ATOM_ERR_STORE_BUSY (retryable).
 *
 * @example
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL ?? '', poolMax: 20 });
 * await store.migrate();
 * const run = await store.getRun(runId);
 * await store.close();
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const resolved = resolvePostgresOptions(options);
  const pool = openPool(resolved);
  const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
  const exec = poolExecutor(pool);
  /** One statement in autocommit; it changed nothing if it failed, so a conflict may simply run again. */
  const one = <T>(op: (exec: SqlExecutor) => Promise<T>): Promise<T> => retryConflicts(() => op(exec));
  /** A unit that runs a caller's callback: never replayed (see write-unit.ts). */
  const callerUnit = <T>(work: (exec: SqlExecutor) => Promise<T>): Promise<T> =>
    writeUnit(pool, work).catch(rethrowConflict);
  let closed: Promise<void> | undefined;
  const ready = readyListener(resolved.connectionString, resolved.schema, (payload) =>
    one((e) => e.run('select pg_notify($1, $2)', [STEPS_READY_CHANNEL, payload])),
  );
  /** A unit on queries that note whether it made work; once committed, the workers hear of it. */
  const workUnit = async <T>(work: (queries: TxQueries, exec: SqlExecutor) => Promise<T>): Promise<T> => {
    const tracked = trackReady(POSTGRES_TX_QUERIES);
    const result = await callerUnit((unit) => work(tracked.queries, unit));
    if (tracked.madeWork()) ready.notify();
    return result;
  };

  return {
    connectionString: resolved.connectionString,
    counters: {
      all: (text, params) => one((e) => e.all(text, params)),
      run: (text, params) => one((e) => e.run(text, params)),
    },
    migrate: () => migratePostgres(db, resolved.schema),
    close() {
      // Ends the pool once the connections in use (units in progress) are given back.
      closed ??= ready.close().then(() => db.destroy());
      return closed;
    },

    pruneRuns: (query) => callerUnit((exec) => retention.pruneRuns(exec, query)),
    atomically: (fn) => workUnit((queries, unit) => withStoreTx(queries, unit, fn)),

    putWorkflowVersion: (name, document, hash, now, workspaceId = DEFAULT_WORKSPACE_ID, source = null) =>
      retryConflicts(() =>
        writeUnit(pool, (unit) => putWorkflowVersion(unit, name, document, source, hash, now, undefined, workspaceId)),
      ),
    putWorkflowVersionIf: (
      name,
      document,
      hash,
      now,
      expectedVersion,
      workspaceId = DEFAULT_WORKSPACE_ID,
      source = null,
    ) =>
      retryConflicts(() =>
        writeUnit(pool, (unit) =>
          putWorkflowVersion(unit, name, document, source, hash, now, expectedVersion, workspaceId),
        ),
      ),
    ...controlUnits((op) => retryConflicts(() => writeUnit(pool, op)), POSTGRES_DIALECT),

    async claimDue(claim, then) {
      if (claim.limit <= 0) return [];
      if (then === undefined) return one((e) => queue.claimDue(e, claim));
      // Idle polling stays a single read: the unit opens only when something is due.
      if (!(await one((e) => queue.hasDue(e, claim.now, claim.runId)))) return [];
      return workUnit(async (queries, unit) => followUp(queries, unit, await queue.claimDue(unit, claim), then));
    },
    async releaseLeases(release, then) {
      if (then === undefined) {
        const released = await one((e) => queue.releaseLeases(e, release));
        if (released.length > 0) ready.notify();
        return released;
      }
      if (!(await one((e) => queue.hasReleasable(e, release)))) return [];
      const released = await callerUnit(async (unit) =>
        followUp(POSTGRES_TX_QUERIES, unit, await queue.releaseLeases(unit, release), then),
      );
      if (released.length > 0) ready.notify();
      return released;
    },

    onStepsReady: (listener) => ready.subscribe(listener),

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
    ...controlStatements(one, POSTGRES_DIALECT),
    runStats: (now, workspaceId) => one((e) => stats.runStats(e, now, workspaceId)),
    runActivity: (query) =>
      activity.runActivity(
        { read: one, unit: (work) => retryConflicts(() => writeUnit(pool, work)), settleMs: resolved.statsSettleMs },
        query,
      ),
  };
}
