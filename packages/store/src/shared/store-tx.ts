/**
 * The StoreTx handed to an `atomically` callback (and to the follow-ups of claims and releases):
 * an adapter's query functions bound to the unit's executor. Each adapter passes its own functions;
 * what differs between them (PostgreSQL's `getRun` locks the run row) lives in those functions.
 *
 * Runs read in a unit are kept for the rest of it, so that the engine's many small units of one
 * group commit read each run once (`getRuns`) and count completions (`nextSeq`) in memory: the
 * counters are written back in one statement just before the unit commits. A run's cached record
 * is dropped as soon as the unit writes the run (its counter is kept and laid over later reads).
 *
 * In: the adapter's TxQueries and the unit's executor. Out: a StoreTx that throws once the unit ended.
 */
import type { RunRecord, StoreTx } from '@atom/engine';
import { closableExecutor, type ExecFirst, type SqlExecutor } from './sql-executor.js';

/** Each StoreTx method taking the executor first, and the write-back of completion counters. */
export type TxQueries = ExecFirst<StoreTx> & {
  /** Sets `seq` of each run of `seqs` ([run id, seq] pairs) in one statement. */
  setSeqs(exec: SqlExecutor, seqs: readonly (readonly [string, number])[]): Promise<void>;
};

/** A StoreTx, plus what its unit must do before it commits. */
export interface BoundStoreTx extends StoreTx {
  /** Writes back the completion counters counted in memory. */
  flush(): Promise<void>;
}

/** Binds `queries` to `exec` (extra functions in `queries` are ignored). */
export function createStoreTx(queries: TxQueries, exec: SqlExecutor): BoundStoreTx {
  /** Runs as read in this unit and not written since (handed out as copies). */
  const runs = new Map<string, RunRecord>();
  /** The completion counter of each run this unit knows, and those not yet written back. */
  const seqs = new Map<string, number>();
  const dirty = new Set<string>();

  const remember = (run: RunRecord): RunRecord => {
    const seq = seqs.get(run.id);
    if (seq === undefined) seqs.set(run.id, run.seq);
    else run.seq = seq;
    runs.set(run.id, run);
    return { ...run };
  };
  const overlaid = (run: RunRecord | undefined): RunRecord | undefined => {
    const seq = run && seqs.get(run.id);
    return run && seq !== undefined ? { ...run, seq } : run;
  };

  return {
    async getRun(runId) {
      const known = runs.get(runId);
      if (known) return { ...known };
      const run = await queries.getRun(exec, runId);
      return run && remember(run);
    },
    async getRuns(runIds) {
      const missing = runIds.filter((id) => !runs.has(id));
      if (missing.length > 0) for (const run of await queries.getRuns(exec, missing)) remember(run);
      const found: RunRecord[] = [];
      for (const id of runIds) {
        const run = runs.get(id);
        if (run) found.push({ ...run });
      }
      return found;
    },
    async insertRun(run) {
      runs.delete(run.id);
      return queries.insertRun(exec, run);
    },
    findRunByDedupeKey: async (workflowId, dedupeKey) =>
      overlaid(await queries.findRunByDedupeKey(exec, workflowId, dedupeKey)),
    async updateRun(runId, patch) {
      runs.delete(runId);
      await queries.updateRun(exec, runId, patch);
    },
    async nextSeq(runId) {
      const seq = seqs.get(runId);
      if (seq === undefined) {
        const next = await queries.nextSeq(exec, runId);
        seqs.set(runId, next);
        return next;
      }
      seqs.set(runId, seq + 1);
      dirty.add(runId);
      const run = runs.get(runId);
      if (run) run.seq = seq + 1;
      return seq + 1;
    },
    getSteps: (runId, keys) => queries.getSteps(exec, runId, keys),
    readyAmong: (runId, keys, now) => queries.readyAmong(exec, runId, keys, now),
    listScope: (runId, scope, options) => queries.listScope(exec, runId, scope, options),
    scopeStatuses: (runId, scope) => queries.scopeStatuses(exec, runId, scope),
    statusesOf: (runId, keys) => queries.statusesOf(exec, runId, keys),
    countScope: (runId, scope) => queries.countScope(exec, runId, scope),
    countActive: (runId) => queries.countActive(exec, runId),
    listRunSteps: (runId) => queries.listRunSteps(exec, runId),
    insertSteps: (steps) => queries.insertSteps(exec, steps),
    updateStep: (runId, key, patch, guard) => queries.updateStep(exec, runId, key, patch, guard),
    updateStepEntry: (runId, key, patch, guard) => queries.updateStepEntry(exec, runId, key, patch, guard),
    appendEvents: (events) => queries.appendEvents(exec, events),
    refusedAdmissions: (runIds) => queries.refusedAdmissions(exec, runIds),
    admissionCounts: (workspaceId) => queries.admissionCounts(exec, workspaceId),
    heldRunIds: (limit) => queries.heldRunIds(exec, limit),
    async flush() {
      if (dirty.size === 0) return;
      await queries.setSeqs(
        exec,
        [...dirty].map((id) => [id, seqs.get(id) ?? 0] as const),
      );
      dirty.clear();
    },
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
    const tx = createStoreTx(queries, txExec);
    const result = await fn(tx);
    await tx.flush();
    return result;
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
