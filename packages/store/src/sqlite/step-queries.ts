/**
 * Steps of one run: insert, read by key or scope, count, and the guarded patch (compare-and-set).
 * In: NewStep / StepPatch / StepGuard. Out: StepRecord (see step-row.ts) or whether a patch applied.
 */
import type { NewStep, ScopeEntry, StepGuard, StepPatch, StepRecord, StepStatus } from '@atom/engine';
import { toJson } from './json-column.js';
import { chunks, multiRowInsert } from './multi-row-insert.js';
import { patchSql } from './patch-sql.js';
import type { SqlExecutor } from './sql-executor.js';
import { STEP_COLUMNS, type StepRow, toStepRecord } from './step-row.js';

const insertSql = multiRowInsert(
  'insert into steps (run_id, key, step_id, scope, kind, idx, status, due_at, item, target, created_at, updated_at)',
  12,
);
const SELECT_ONE = `select ${STEP_COLUMNS} from steps where run_id = ? and key = ?`;
const SELECT_KEYS = `select ${STEP_COLUMNS} from steps where run_id = ? and key in (select value from json_each(?))`;
const SELECT_SCOPE = `select ${STEP_COLUMNS} from steps where run_id = ? and scope = ? order by idx, key limit ?`;
const SELECT_SCOPE_STATUSES =
  `select ${STEP_COLUMNS} from steps where run_id = ? and scope = ? ` +
  'and status in (select value from json_each(?)) order by idx, key limit ?';
const SCOPE_STATUSES =
  'select key, step_id, idx, status, created_at from steps where run_id = ? and scope = ? order by idx, key';
const COUNT_ACTIVE =
  "select count(*) as n from steps where run_id = ? and (status in ('ready', 'retrying') or (status = 'running' and lease_token is not null))";
const COUNT_SCOPE = 'select status, count(*) as n from steps where run_id = ? and scope = ? group by status';
const SELECT_RUN_STEPS = `select ${STEP_COLUMNS} from steps where run_id = ? order by key`;

const stepPatch = patchSql(
  'steps',
  [
    { field: 'status', column: 'status', json: false },
    { field: 'attempt', column: 'attempt', json: false },
    { field: 'dueAt', column: 'due_at', json: false },
    { field: 'leaseOwner', column: 'lease_owner', json: false },
    { field: 'leaseToken', column: 'lease_token', json: false },
    { field: 'leaseExpiresAt', column: 'lease_expires_at', json: false },
    { field: 'input', column: 'input', json: true },
    { field: 'output', column: 'output', json: true },
    { field: 'error', column: 'error', json: true },
    { field: 'wait', column: 'wait', json: true },
    { field: 'resume', column: 'resume', json: true },
    { field: 'itemCount', column: 'item_count', json: false },
    { field: 'startedAt', column: 'started_at', json: false },
    { field: 'finishedAt', column: 'finished_at', json: false },
    { field: 'completedSeq', column: 'completed_seq', json: false },
    { field: 'updatedAt', column: 'updated_at', json: false },
  ],
  'key = key',
);

/** WHERE clauses of updateStep, by guard shape: `<status count>,<has token>`. */
const guardWhere = new Map<string, string>();

function whereFor(statusCount: number | undefined, hasToken: boolean): string {
  const shape = `${statusCount ?? '-'},${hasToken}`;
  let where = guardWhere.get(shape);
  if (where === undefined) {
    where = 'run_id = ? and key = ?';
    if (statusCount !== undefined) where += ` and status in (${new Array(statusCount).fill('?').join(', ')})`;
    if (hasToken) where += ' and lease_token = ?';
    guardWhere.set(shape, where);
  }
  return where;
}

export async function insertSteps(exec: SqlExecutor, steps: readonly NewStep[]): Promise<void> {
  for (const chunk of chunks(steps)) {
    const params: unknown[] = [];
    for (const s of chunk) {
      params.push(s.runId, s.key, s.stepId, s.scope, s.kind, s.index, s.status, s.dueAt ?? null);
      params.push(toJson(s.item), s.target ?? null, s.createdAt, s.createdAt);
    }
    await exec.run(insertSql(chunk.length), params);
  }
}

/** The existing steps among `keys`, in the order of `keys`. */
export async function getSteps(exec: SqlExecutor, runId: string, keys: readonly string[]): Promise<StepRecord[]> {
  if (keys.length === 0) return [];
  if (keys.length === 1) {
    const rows = await exec.all<StepRow>(SELECT_ONE, [runId, keys[0]]);
    return rows.map(toStepRecord);
  }
  const rows = await exec.all<StepRow>(SELECT_KEYS, [runId, JSON.stringify(keys)]);
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const out: StepRecord[] = [];
  for (const key of new Set(keys)) {
    const row = byKey.get(key);
    if (row !== undefined) out.push(toStepRecord(row));
  }
  return out;
}

export async function listScope(
  exec: SqlExecutor,
  runId: string,
  scope: string,
  options: { statuses?: readonly StepStatus[]; limit?: number } = {},
): Promise<StepRecord[]> {
  const limit = options.limit ?? -1;
  const rows =
    options.statuses === undefined
      ? await exec.all<StepRow>(SELECT_SCOPE, [runId, scope, limit])
      : await exec.all<StepRow>(SELECT_SCOPE_STATUSES, [runId, scope, JSON.stringify(options.statuses), limit]);
  return rows.map(toStepRecord);
}

export async function scopeStatuses(exec: SqlExecutor, runId: string, scope: string): Promise<ScopeEntry[]> {
  return (await exec.all<ScopeRow>(SCOPE_STATUSES, [runId, scope])).map(toScopeEntry);
}

interface ScopeRow {
  key: string;
  step_id: string;
  idx: number;
  status: StepStatus;
  created_at: number;
}

function toScopeEntry(row: ScopeRow): ScopeEntry {
  return { key: row.key, stepId: row.step_id, index: row.idx, status: row.status, createdAt: row.created_at };
}

const statusesSql = new Map<number, string>();

/** `key in (?, ?, …)` with one cached statement per number of keys (small), json_each beyond. */
function statusesOfSql(count: number): string {
  const columns = 'select key, step_id, idx, status, created_at from steps where run_id = ? and key';
  if (count > 32) return `${columns} in (select value from json_each(?))`;
  let sql = statusesSql.get(count);
  if (sql === undefined) {
    sql = `${columns} in (${new Array(count).fill('?').join(', ')})`;
    statusesSql.set(count, sql);
  }
  return sql;
}

export async function statusesOf(exec: SqlExecutor, runId: string, keys: readonly string[]): Promise<ScopeEntry[]> {
  if (keys.length === 0) return [];
  const params = keys.length > 32 ? [runId, JSON.stringify(keys)] : [runId, ...keys];
  return (await exec.all<ScopeRow>(statusesOfSql(keys.length), params)).map(toScopeEntry);
}

export async function countActive(exec: SqlExecutor, runId: string): Promise<number> {
  const [row] = await exec.all<{ n: number }>(COUNT_ACTIVE, [runId]);
  return row?.n ?? 0;
}

export async function countScope(
  exec: SqlExecutor,
  runId: string,
  scope: string,
): Promise<Partial<Record<StepStatus, number>>> {
  const rows = await exec.all<{ status: StepStatus; n: number }>(COUNT_SCOPE, [runId, scope]);
  const counts: Partial<Record<StepStatus, number>> = {};
  for (const { status, n } of rows) counts[status] = n;
  return counts;
}

export async function listRunSteps(exec: SqlExecutor, runId: string): Promise<StepRecord[]> {
  const rows = await exec.all<StepRow>(SELECT_RUN_STEPS, [runId]);
  return rows.map(toStepRecord);
}

/** One UPDATE whose WHERE holds the guard: it applies only if the row still matches. */
export async function updateStep(
  exec: SqlExecutor,
  runId: string,
  key: string,
  patch: StepPatch,
  guard: StepGuard = {},
): Promise<boolean> {
  const { statuses, leaseToken } = guard;
  if (statuses !== undefined && statuses.length === 0) return false;
  const { sql, values } = stepPatch(patch, whereFor(statuses?.length, leaseToken !== undefined));
  values.push(runId, key);
  if (statuses !== undefined) values.push(...statuses);
  if (leaseToken !== undefined) values.push(leaseToken);
  return (await exec.run(sql, values)) > 0;
}
