/**
 * Runs: insert, read, patch, the completion counter, and listing.
 * In: NewRun / RunPatch / RunFilter. Out: RunRecord (see run-row.ts).
 */

import type { NewRun, RunFilter, RunPatch, RunRecord } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { toJson } from './json-column.js';
import { patchSql } from './patch-sql.js';
import { RUN_COLUMNS, type RunRow, toRunRecord } from './run-row.js';
import type { SqlExecutor } from './sql-executor.js';

const INSERT_RUN =
  'insert into runs (id, workflow_id, workflow_name, version, status, inputs, trigger, parent_run_id, ' +
  'parent_step_key, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const SELECT_RUN = `select ${RUN_COLUMNS} from runs where id = ?`;
const NEXT_SEQ = 'update runs set seq = seq + 1 where id = ? returning seq';

const runPatch = patchSql(
  'runs',
  [
    { field: 'status', column: 'status', json: false },
    { field: 'phase', column: 'phase', json: false },
    { field: 'outputs', column: 'outputs', json: true },
    { field: 'error', column: 'error', json: true },
    { field: 'startedAt', column: 'started_at', json: false },
    { field: 'finishedAt', column: 'finished_at', json: false },
    { field: 'updatedAt', column: 'updated_at', json: false },
  ],
  'id = id',
);

export async function insertRun(exec: SqlExecutor, run: NewRun): Promise<void> {
  await exec.run(INSERT_RUN, [
    run.id,
    run.workflowId,
    run.workflowName,
    run.version,
    run.status,
    toJson(run.inputs),
    toJson(run.trigger),
    run.parentRunId ?? null,
    run.parentStepKey ?? null,
    run.createdAt,
    run.createdAt,
  ]);
}

export async function getRun(exec: SqlExecutor, runId: string): Promise<RunRecord | undefined> {
  const [row] = await exec.all<RunRow>(SELECT_RUN, [runId]);
  return row === undefined ? undefined : toRunRecord(row);
}

export async function updateRun(exec: SqlExecutor, runId: string, patch: RunPatch): Promise<void> {
  const { sql, values } = runPatch(patch, 'id = ?');
  if (values.length === 0) return;
  values.push(runId);
  await exec.run(sql, values);
}

export async function nextSeq(exec: SqlExecutor, runId: string): Promise<number> {
  const [row] = await exec.all<{ seq: number }>(NEXT_SEQ, [runId]);
  if (row === undefined) throw new AtomError('ATOM_ERR_INTERNAL', `nextSeq: run ${runId} does not exist`);
  return row.seq;
}

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
