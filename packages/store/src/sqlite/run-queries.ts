/**
 * Runs: insert, read, patch and the completion counter (shared/run-queries.ts), and listing
 * (shared/run-list.ts), with SQLite's way of passing a list: JSON text read by json_each.
 * In: NewRun / RunPatch / RunFilter. Out: RunRecord (see shared/run-columns.ts).
 */
import type { RunRecord } from '@atom/engine';
import { RUN_COLUMNS, RUN_JSON_FIELDS } from '../shared/run-columns.js';
import { runListQuery } from '../shared/run-list.js';
import { runQueries } from '../shared/run-queries.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { SQLITE_DIALECT } from './sqlite-dialect.js';

export const { insertRun, findRunByDedupeKey, getRun, updateRun, nextSeq, admissionCounts, heldRunIds } =
  runQueries(SQLITE_DIALECT);

const SELECT_RUNS = `select ${RUN_COLUMNS} from runs where id in (select value from json_each(?)) order by id`;
// Parameter: [[run id, seq], …].
const SET_SEQS = `update runs set seq = c.value ->> 1 from json_each(?) as c where runs.id = c.value ->> 0`;

export async function getRuns(exec: SqlExecutor, runIds: readonly string[]): Promise<RunRecord[]> {
  if (runIds.length === 0) return [];
  const rows = await exec.all<object>(SELECT_RUNS, [JSON.stringify(runIds)]);
  return SQLITE_DIALECT.decodeRows<RunRecord>(rows, RUN_JSON_FIELDS);
}

export async function setSeqs(exec: SqlExecutor, seqs: readonly (readonly [string, number])[]): Promise<void> {
  if (seqs.length > 0) await exec.run(SET_SEQS, [JSON.stringify(seqs)]);
}

export const listRuns = runListQuery(SQLITE_DIALECT, {
  statusIn: (p) => `status in (select value from json_each(${p}))`,
  statusList: (statuses) => JSON.stringify(statuses),
  orderedId: 'id',
  // LIMIT -1 means no limit.
  noLimit: -1,
});
