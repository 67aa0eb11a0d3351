/**
 * Runs: insert, read (inside a unit: and lock), patch, the completion counter, and listing.
 * In: NewRun / RunPatch / RunFilter. Out: RunRecord, selected with the field names as aliases.
 */
import type { NewRun, RunFilter, RunPatch, RunRecord } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { toJson } from './json-param.js';
import { patchSql } from './patch-sql.js';
import type { SqlExecutor } from './sql-executor.js';

const RUN_COLUMNS =
  'id, workflow_id as "workflowId", workflow_name as "workflowName", version, status, phase, inputs, trigger, ' +
  'parent_run_id as "parentRunId", parent_step_key as "parentStepKey", outputs, error, created_at as "createdAt", ' +
  'started_at as "startedAt", finished_at as "finishedAt", updated_at as "updatedAt", seq';

const INSERT_RUN =
  'insert into runs (id, workflow_id, workflow_name, version, status, inputs, trigger, parent_run_id, ' +
  'parent_step_key, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)';
const SELECT_RUN = `select ${RUN_COLUMNS} from runs where id = $1`;
// The row lock serialises the units of one run until the unit ends (see the StorePort's header).
const SELECT_RUN_FOR_UPDATE = `${SELECT_RUN} for update`;
const NEXT_SEQ = 'update runs set seq = seq + 1 where id = $1 returning seq';

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
  'updated_at = updated_at',
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
  ]);
}

/** Outside a unit: a plain read. */
export async function getRun(exec: SqlExecutor, runId: string): Promise<RunRecord | undefined> {
  const [row] = await exec.all<RunRecord>(SELECT_RUN, [runId]);
  return row;
}

/** Inside a unit: reads the run and holds its row lock until the unit ends. */
export async function lockRun(exec: SqlExecutor, runId: string): Promise<RunRecord | undefined> {
  const [row] = await exec.all<RunRecord>(SELECT_RUN_FOR_UPDATE, [runId]);
  return row;
}

export async function updateRun(exec: SqlExecutor, runId: string, patch: RunPatch): Promise<void> {
  const { sql, values } = runPatch(patch, 'id = $1', 1);
  if (values.length === 0) return;
  await exec.run(sql, [runId, ...values]);
}

export async function nextSeq(exec: SqlExecutor, runId: string): Promise<number> {
  const [row] = await exec.all<{ seq: number }>(NEXT_SEQ, [runId]);
  if (row === undefined) throw new AtomError('ATOM_ERR_INTERNAL', `nextSeq: run ${runId} does not exist`);
  return row.seq;
}

/** `where` clauses of listRuns by filter shape, each with its placeholders numbered from $1. */
const listSql = new Map<string, string>();

/** Newest first (`createdAt`, then id, since PostgreSQL has no insertion order to fall back on). */
export async function listRuns(exec: SqlExecutor, filter: RunFilter = {}): Promise<RunRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    params.push(filter.status);
    where.push(`status = any($${params.length}::text[])`);
  }
  if (filter.workflowName !== undefined) {
    params.push(filter.workflowName);
    where.push(`workflow_name = $${params.length}`);
  }
  if (filter.parentRunId === null) where.push('parent_run_id is null');
  else if (filter.parentRunId !== undefined) {
    params.push(filter.parentRunId);
    where.push(`parent_run_id = $${params.length}`);
  }
  // LIMIT NULL means no limit.
  params.push(filter.limit ?? null);
  const shape = where.join(' and ');
  let sql = listSql.get(shape);
  if (sql === undefined) {
    sql =
      `select ${RUN_COLUMNS} from runs${where.length > 0 ? ` where ${shape}` : ''}` +
      ` order by created_at desc, id desc limit $${params.length}`;
    listSql.set(shape, sql);
  }
  return exec.all<RunRecord>(sql, params);
}
