/**
 * The StoreTx handed to an `atomically` callback (and to the follow-ups of claims and releases):
 * an adapter's query functions bound to the unit's executor. Each adapter passes its own functions;
 * what differs between them (PostgreSQL's `getRun` locks the run row) lives in those functions.
 *
 * In: the adapter's TxQueries and the unit's executor. Out: a StoreTx that throws once the unit ended.
 */
import type { StoreTx } from '@atom/engine';
import { closableExecutor, type ExecFirst, type SqlExecutor } from './sql-executor.js';

/** Each StoreTx method, taking the executor first. */
export type TxQueries = ExecFirst<StoreTx>;

/** Binds `queries` to `exec` (extra functions in `queries` are ignored). */
export function createStoreTx(queries: TxQueries, exec: SqlExecutor): StoreTx {
  return {
    getRun: (runId) => queries.getRun(exec, runId),
    insertRun: (run) => queries.insertRun(exec, run),
    updateRun: (runId, patch) => queries.updateRun(exec, runId, patch),
    nextSeq: (runId) => queries.nextSeq(exec, runId),
    getSteps: (runId, keys) => queries.getSteps(exec, runId, keys),
    listScope: (runId, scope, options) => queries.listScope(exec, runId, scope, options),
    scopeStatuses: (runId, scope) => queries.scopeStatuses(exec, runId, scope),
    statusesOf: (runId, keys) => queries.statusesOf(exec, runId, keys),
    countScope: (runId, scope) => queries.countScope(exec, runId, scope),
    countActive: (runId) => queries.countActive(exec, runId),
    listRunSteps: (runId) => queries.listRunSteps(exec, runId),
    insertSteps: (steps) => queries.insertSteps(exec, steps),
    updateStep: (runId, key, patch, guard) => queries.updateStep(exec, runId, key, patch, guard),
    appendEvents: (events) => queries.appendEvents(exec, events),
  };
}

/**
 * Hands `fn` a StoreTx on the unit's executor that stops working when `fn` is done.
 *
 * @example
 * writeUnit(unit, (exec) => withStoreTx(SQLITE_TX_QUERIES, exec, fn));
 */
export async function withStoreTx<T>(
  queries: TxQueries,
  exec: SqlExecutor,
  fn: (tx: StoreTx) => Promise<T>,
): Promise<T> {
  const txExec = closableExecutor(exec);
  try {
    return await fn(createStoreTx(queries, txExec));
  } finally {
    txExec.close();
  }
}

/**
 * The follow-up of a claim or a release (StorePort.claimDue / releaseLeases `then`): runs in the
 * same unit, on a StoreTx, when there is one and something was claimed or released.
 */
export async function followUp<R>(
  queries: TxQueries,
  exec: SqlExecutor,
  rows: R[],
  then: ((tx: StoreTx, rows: R[]) => Promise<void>) | undefined,
): Promise<R[]> {
  if (then && rows.length > 0) await withStoreTx(queries, exec, (tx) => then(tx, rows));
  return rows;
}
