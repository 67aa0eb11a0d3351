/**
 * Runs: insert, read, patch and the completion counter (shared/run-queries.ts); the locking read
 * used inside units, and listing (shared/run-list.ts) with lists as array parameters.
 * In: NewRun / RunPatch / RunFilter. Out: RunRecord, selected with the field names as aliases.
 */
import type { RunRecord } from '@atom/engine';
import { RUN_COLUMNS } from '../shared/run-columns.js';
import { runListQuery } from '../shared/run-list.js';
import { runQueries } from '../shared/run-queries.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { POSTGRES_DIALECT } from './postgres-dialect.js';

const { SELECT_RUN, ...queries } = runQueries(POSTGRES_DIALECT);
export const { insertRun, findRunByDedupeKey, getRun, updateRun, nextSeq, admissionCounts, heldRunIds } = queries;

// The row lock serialises the units of one run until the unit ends (see the StorePort's header).
const SELECT_RUN_FOR_UPDATE = `${SELECT_RUN} for update`;

/** Inside a unit: reads the run and holds its row lock until the unit ends. */
export async function lockRun(exec: SqlExecutor, runId: string): Promise<RunRecord | undefined> {
  const [row] = await exec.all<RunRecord>(SELECT_RUN_FOR_UPDATE, [runId]);
  return row;
}

// Locked in one global order (byte order of ids, like the engine's), so that units cannot deadlock.
const LOCK_RUNS = `select ${RUN_COLUMNS} from runs where id = any($1::text[]) order by id collate "C" for update`;
const SET_SEQS =
  'update runs set seq = c.seq from unnest($1::text[], $2::integer[]) as c (id, seq) where runs.id = c.id';

/** Inside a unit: reads the runs and holds their row locks until the unit ends. */
export async function getRuns(exec: SqlExecutor, runIds: readonly string[]): Promise<RunRecord[]> {
  if (runIds.length === 0) return [];
  return exec.all<RunRecord>(LOCK_RUNS, [runIds]);
}

export async function setSeqs(exec: SqlExecutor, seqs: readonly (readonly [string, number])[]): Promise<void> {
  if (seqs.length === 0) return;
  await exec.run(SET_SEQS, [seqs.map(([id]) => id), seqs.map(([, seq]) => seq)]);
}

export const listRuns = runListQuery(POSTGRES_DIALECT, {
  statusIn: (p) => `status = any(${p}::text[])`,
  statusList: (statuses) => statuses,
  // Byte order whatever the database's locale, like SQLite (see shared/run-list.ts).
  orderedId: 'id collate "C"',
  // LIMIT NULL means no limit.
  noLimit: null,
});
