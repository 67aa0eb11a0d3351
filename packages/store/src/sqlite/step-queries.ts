/**
 * Steps of one run: insert, read by key or scope, and the guarded patch (compare-and-set); the counts
 * and whole-run reads are shared/step-queries.ts, bound to SQLite here.
 * In: NewStep / StepPatch / StepGuard. Out: StepRecord (see step-row.ts) or whether a patch applied.
 */
import type { NewStep, ScopeEntry, StepGuard, StepPatch, StepRecord, StepStatus } from '@atom/engine';
import { toJson } from '../shared/json-text.js';
import { inKeyOrder } from '../shared/key-order.js';
import { patchSql } from '../shared/patch-sql.js';
import { fairOffsets } from '../shared/queue-order.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { SCOPE_ENTRY_COLUMNS, STEP_COLUMNS, STEP_PATCH_COLUMNS } from '../shared/step-columns.js';
import { stepQueries } from '../shared/step-queries.js';
import { chunks, multiRowInsert } from './multi-row-insert.js';
import { SQLITE_DIALECT } from './sqlite-dialect.js';
import { type StepRow, toStepRecord } from './step-row.js';

// Each step takes its run's priority, and its place in a burst (`fair_offset`), for the claim
// order (shared/queue-order.ts).
const insertSql = multiRowInsert(
  'insert into steps (run_id, key, step_id, scope, kind, idx, status, due_at, item, target, created_at, updated_at, fair_offset, priority)',
  '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce((select priority from runs where id = ?), 0))',
);
const SELECT_ONE = `select ${STEP_COLUMNS} from steps where run_id = ? and key = ?`;
const SELECT_KEYS = `select ${STEP_COLUMNS} from steps where run_id = ? and key in (select value from json_each(?))`;
const SELECT_SCOPE = `select ${STEP_COLUMNS} from steps where run_id = ? and scope = ? order by idx, key limit ?`;
const SELECT_READY = `select ${STEP_COLUMNS} from steps where run_id = ? and key in (select value from json_each(?))
  and status = 'ready' and attempt = 0 and resume is null and due_at <= ?`;
const SELECT_SCOPE_STATUSES =
  `select ${STEP_COLUMNS} from steps where run_id = ? and scope = ? ` +
  'and status in (select value from json_each(?)) order by idx, key limit ?';

export const { scopeStatuses, countActive, countScope, listRunSteps } = stepQueries(SQLITE_DIALECT);

const stepPatch = patchSql('steps', STEP_PATCH_COLUMNS, 'updated_at = updated_at', SQLITE_DIALECT.param);

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
  const offsets = fairOffsets(steps);
  let n = 0;
  for (const chunk of chunks(steps)) {
    const params: unknown[] = [];
    for (const s of chunk) {
      params.push(s.runId, s.key, s.stepId, s.scope, s.kind, s.index, s.status, s.dueAt ?? null);
      params.push(toJson(s.item), s.target ?? null, s.createdAt, s.createdAt, offsets[n++], s.runId);
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
  return inKeyOrder(rows, keys).map(toStepRecord);
}

/** Of `keys`, the steps due by `now` for their first attempt (`ready`), in the order of `keys`. */
export async function readyAmong(
  exec: SqlExecutor,
  runId: string,
  keys: readonly string[],
  now: number,
): Promise<StepRecord[]> {
  if (keys.length === 0) return [];
  const rows = await exec.all<StepRow>(SELECT_READY, [runId, JSON.stringify(keys), now]);
  return inKeyOrder(rows, keys).map(toStepRecord);
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

const statusesSql = new Map<number, string>();

/** `key in (?, ?, …)` with one cached statement per number of keys (small), json_each beyond. */
function statusesOfSql(count: number): string {
  const columns = `select ${SCOPE_ENTRY_COLUMNS} from steps where run_id = ? and key`;
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
  return exec.all<ScopeEntry>(statusesOfSql(keys.length), params);
}

/** The guarded UPDATE of one step and its values (`?` placeholders: the `set` values first). */
function guardedPatch(runId: string, key: string, patch: StepPatch, guard: StepGuard) {
  const { statuses, leaseToken } = guard;
  const statement = stepPatch(patch, whereFor(statuses?.length, leaseToken !== undefined), 0);
  statement.values.push(runId, key);
  if (statuses !== undefined) statement.values.push(...statuses);
  if (leaseToken !== undefined) statement.values.push(leaseToken);
  return statement;
}

/** One UPDATE whose WHERE holds the guard: it applies only if the row still matches. */
export async function updateStep(
  exec: SqlExecutor,
  runId: string,
  key: string,
  patch: StepPatch,
  guard: StepGuard = {},
): Promise<boolean> {
  if (guard.statuses !== undefined && guard.statuses.length === 0) return false;
  const { sql, values } = guardedPatch(runId, key, patch, guard);
  return (await exec.run(sql, values)) > 0;
}

/** updateStep, returning the row's scope entry as patched (undefined when the guard did not match). */
export async function updateStepEntry(
  exec: SqlExecutor,
  runId: string,
  key: string,
  patch: StepPatch,
  guard: StepGuard = {},
): Promise<ScopeEntry | undefined> {
  if (guard.statuses !== undefined && guard.statuses.length === 0) return undefined;
  const { sql, values } = guardedPatch(runId, key, patch, guard);
  const [row] = await exec.all<ScopeEntry>(returningSql(sql), values);
  return row;
}

const returning = new Map<string, string>();

/** The few columns of a scope entry only: returning a whole row costs as much as the update. */
function returningSql(sql: string): string {
  let text = returning.get(sql);
  if (text === undefined) {
    text = `${sql} returning ${SCOPE_ENTRY_COLUMNS}`;
    returning.set(sql, text);
  }
  return text;
}
