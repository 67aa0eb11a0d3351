/**
 * Runs: insert, read, patch and the completion counter (shared/run-queries.ts); the locking read
 * used inside units, and listing.
 * In: NewRun / RunPatch / RunFilter. Out: RunRecord, selected with the field names as aliases.
 */
import type { RunFilter, RunRecord } from '@atom/engine';
import { RUN_COLUMNS } from '../shared/run-columns.js';
import { runQueries } from '../shared/run-queries.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { POSTGRES_DIALECT } from './postgres-dialect.js';

const { SELECT_RUN, ...queries } = runQueries(POSTGRES_DIALECT);
export const { insertRun, getRun, updateRun, nextSeq } = queries;

// The row lock serialises the units of one run until the unit ends (see the StorePort's header).
const SELECT_RUN_FOR_UPDATE = `${SELECT_RUN} for update`;

/** Inside a unit: reads the run and holds its row lock until the unit ends. */
export async function lockRun(exec: SqlExecutor, runId: string): Promise<RunRecord | undefined> {
  const [row] = await exec.all<RunRecord>(SELECT_RUN_FOR_UPDATE, [runId]);
  return row;
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
