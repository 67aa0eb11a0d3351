/**
 * The StorePort methods that are one statement each (reads, renewals, the cache, the worker
 * registry), bound to an adapter's way of running one statement outside a unit: SQLite runs it on
 * its connection, queued behind a unit in progress; PostgreSQL on any pooled connection, again
 * after a deadlock. The query functions are the adapter's own or the shared ones.
 *
 * In: the adapter's runner and query functions. Out: those StorePort methods.
 */
import type { StorePort } from '@atom/engine';
import type { ExecFirst, SqlExecutor } from './sql-executor.js';

type SingleStatement =
  | 'getWorkflowVersion'
  | 'findWorkflowVersion'
  | 'renewLeases'
  | 'nextDueAt'
  | 'findEventWaiters'
  | 'getRun'
  | 'getSteps'
  | 'listRuns'
  | 'listSteps'
  | 'listEvents'
  | 'readEventFeed'
  | 'eventFeedCursor'
  | 'resumeFeedCursor'
  | 'cacheGet'
  | 'cacheSet'
  | 'cacheCount'
  | 'cacheStats'
  | 'registerWorker'
  | 'removeWorker'
  | 'listWorkers';

/** Each single-statement StorePort method, taking the executor first. */
export type SingleStatementQueries = ExecFirst<Pick<StorePort, SingleStatement>>;

/** Runs one statement's work with an executor of the adapter's choosing. */
export type OneStatement = <T>(op: (exec: SqlExecutor) => Promise<T>) => Promise<T>;

/** Binds each method to `one`. */
export function singleStatements(one: OneStatement, q: SingleStatementQueries): Pick<StorePort, SingleStatement> {
  return {
    getWorkflowVersion: (idOrName, version, workspaceId) =>
      one((e) => q.getWorkflowVersion(e, idOrName, version, workspaceId)),
    findWorkflowVersion: (idOrName, version, workspaceId) =>
      one((e) => q.findWorkflowVersion(e, idOrName, version, workspaceId)),
    renewLeases: (owner, tokens, expiresAt) => one((e) => q.renewLeases(e, owner, tokens, expiresAt)),
    nextDueAt: () => one(q.nextDueAt),
    findEventWaiters: (name) => one((e) => q.findEventWaiters(e, name)),

    getRun: (runId) => one((e) => q.getRun(e, runId)),
    getSteps: (runId, keys) => one((e) => q.getSteps(e, runId, keys)),
    listRuns: (filter) => one((e) => q.listRuns(e, filter)),
    listSteps: (runId) => one((e) => q.listSteps(e, runId)),
    listEvents: (runId, afterId) => one((e) => q.listEvents(e, runId, afterId)),
    readEventFeed: (query) => one((e) => q.readEventFeed(e, query)),
    eventFeedCursor: (start) => one((e) => q.eventFeedCursor(e, start)),
    resumeFeedCursor: (afterEventId, workspaceId) => one((e) => q.resumeFeedCursor(e, afterEventId, workspaceId)),

    cacheGet: (key, now) => one((e) => q.cacheGet(e, key, now)),
    cacheSet: (key, value, expiresAt) => one((e) => q.cacheSet(e, key, value, expiresAt)),
    cacheCount: (nodeType, outcome) => one((e) => q.cacheCount(e, nodeType, outcome)),
    cacheStats: () => one(q.cacheStats),

    registerWorker: (worker) => one((e) => q.registerWorker(e, worker)),
    removeWorker: (id) => one((e) => q.removeWorker(e, id)),
    listWorkers: () => one(q.listWorkers),
  };
}
