/**
 * Runs: insert, read, patch and the completion counter (shared/run-queries.ts), and listing.
 * In: NewRun / RunPatch / RunFilter. Out: RunRecord (see shared/run-columns.ts).
 */

import type { RunFilter, RunRecord } from '@atom/engine';
import { RUN_COLUMNS } from '../shared/run-columns.js';
import { runQueries } from '../shared/run-queries.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { type RunRow, toRunRecord } from './run-row.js';
import { SQLITE_DIALECT } from './sqlite-dialect.js';

export const { insertRun, getRun, updateRun, nextSeq } = runQueries(SQLITE_DIALECT);

/** Newest first (`createdAt`, then insertion order). */
export async function listRuns(exec: SqlExecutor, filter: RunFilter = {}): Promise<RunRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    where.push('status in (select value from json_each(?))');
    params.push(JSON.stringify(filter.status));
  }
  if (filter.workflowName !== undefined) {
    where.push('workflow_name = ?');
    params.push(filter.workflowName);
  }
  if (filter.parentRunId === null) where.push('parent_run_id is null');
  else if (filter.parentRunId !== undefined) {
    where.push('parent_run_id = ?');
    params.push(filter.parentRunId);
  }
  params.push(filter.limit ?? -1);
  const sql =
    `select ${RUN_COLUMNS} from runs${where.length > 0 ? ` where ${where.join(' and ')}` : ''}` +
    ' order by created_at desc, rowid desc limit ?';
  const rows = await exec.all<RunRow>(sql, params);
  return rows.map(toRunRecord);
}
