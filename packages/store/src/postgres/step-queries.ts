/**
 * Steps of one run: insert, read by key or scope, and the guarded patch (compare-and-set); the counts
 * and whole-run reads are shared/step-queries.ts, bound to PostgreSQL here.
 * In: NewStep / StepPatch / StepGuard. Out: StepRecord (see shared/step-columns.ts) or whether a
 * patch applied.
 *
 * Keys are compared and ordered in the "C" collation (the column is declared so): byte order, the
 * same as SQLite and JavaScript string comparison, whatever the database's default collation is.
 * Lists of keys or statuses travel as one array parameter (`= any($n)`), so each text is fixed.
 */
import type { NewStep, ScopeEntry, StepGuard, StepPatch, StepRecord, StepStatus } from '@atom/engine';
import { toJson } from '../shared/json-text.js';
import { inKeyOrder } from '../shared/key-order.js';
import { patchSql } from '../shared/patch-sql.js';
import { fairOffsets } from '../shared/queue-order.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { SCOPE_ENTRY_COLUMNS, STEP_COLUMNS, STEP_PATCH_COLUMNS } from '../shared/step-columns.js';
import { stepQueries } from '../shared/step-queries.js';
import { POSTGRES_DIALECT } from './postgres-dialect.js';

// One statement for any number of rows: each column arrives as an array. Each step takes its run's
// priority, and its place in a burst (`fair_offset`), for the claim order (shared/queue-order.ts).
const INSERT_STEPS = `insert into steps
  (run_id, key, step_id, scope, kind, idx, status, due_at, item, target, created_at, updated_at, priority, fair_offset)
  select s.run_id, s.key, s.step_id, s.scope, s.kind, s.idx, s.status, s.due_at, s.item, s.target, s.created_at,
    s.created_at, coalesce(r.priority, 0), s.fair_offset
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[],
    $8::bigint[], $9::jsonb[], $10::text[], $11::bigint[], $12::integer[])
    as s (run_id, key, step_id, scope, kind, idx, status, due_at, item, target, created_at, fair_offset)
  left join runs r on r.id = s.run_id`;
const SELECT_KEYS = `select ${STEP_COLUMNS} from steps where run_id = $1 and key = any($2::text[])`;
// Locked for the unit; rows another unit holds (a claimer's) are left to it.
const SELECT_READY = `select ${STEP_COLUMNS} from steps where run_id = $1 and key = any($2::text[])
  and status = 'ready' and attempt = 0 and resume is null and due_at <= $3 for update skip locked`;
const SELECT_SCOPE = `select ${STEP_COLUMNS} from steps where run_id = $1 and scope = $2 order by idx, key limit $3`;
const SELECT_SCOPE_STATUSES =
  `select ${STEP_COLUMNS} from steps where run_id = $1 and scope = $2 ` +
  'and status = any($3::text[]) order by idx, key limit $4';
const STATUSES_OF = `select ${SCOPE_ENTRY_COLUMNS} from steps where run_id = $1 and key = any($2::text[])`;

export const { scopeStatuses, countActive, countScope, listRunSteps } = stepQueries(POSTGRES_DIALECT);

const stepPatch = patchSql('steps', STEP_PATCH_COLUMNS, 'updated_at = updated_at', POSTGRES_DIALECT.param);

/** WHERE clauses of updateStep by guard shape, and how many placeholders each uses. */
const GUARDS = {
  none: { where: 'run_id = $1 and key = $2', params: 2 },
  statuses: { where: 'run_id = $1 and key = $2 and status = any($3::text[])', params: 3 },
  token: { where: 'run_id = $1 and key = $2 and lease_token = $3', params: 3 },
  both: { where: 'run_id = $1 and key = $2 and status = any($3::text[]) and lease_token = $4', params: 4 },
};

export async function insertSteps(exec: SqlExecutor, steps: readonly NewStep[]): Promise<void> {
  if (steps.length === 0) return;
  await exec.run(INSERT_STEPS, [
    steps.map((s) => s.runId),
    steps.map((s) => s.key),
    steps.map((s) => s.stepId),
    steps.map((s) => s.scope),
    steps.map((s) => s.kind),
    steps.map((s) => s.index),
    steps.map((s) => s.status),
    steps.map((s) => s.dueAt ?? null),
    steps.map((s) => toJson(s.item)),
    steps.map((s) => s.target ?? null),
    steps.map((s) => s.createdAt),
    fairOffsets(steps),
  ]);
}

/** The existing steps among `keys`, in the order of `keys`. */
export async function getSteps(exec: SqlExecutor, runId: string, keys: readonly string[]): Promise<StepRecord[]> {
  if (keys.length === 0) return [];
  return inKeyOrder(await exec.all<StepRecord>(SELECT_KEYS, [runId, keys]), keys);
}

/** Of `keys`, the steps due by `now` for their first attempt (`ready`) that no other unit holds, in the order of `keys`. */
export async function readyAmong(
  exec: SqlExecutor,
  runId: string,
  keys: readonly string[],
  now: number,
): Promise<StepRecord[]> {
  if (keys.length === 0) return [];
  return inKeyOrder(await exec.all<StepRecord>(SELECT_READY, [runId, keys, now]), keys);
}

export async function listScope(
  exec: SqlExecutor,
  runId: string,
  scope: string,
  options: { statuses?: readonly StepStatus[]; limit?: number } = {},
): Promise<StepRecord[]> {
  const limit = options.limit ?? null;
  return options.statuses === undefined
    ? exec.all<StepRecord>(SELECT_SCOPE, [runId, scope, limit])
    : exec.all<StepRecord>(SELECT_SCOPE_STATUSES, [runId, scope, options.statuses, limit]);
}

export async function statusesOf(exec: SqlExecutor, runId: string, keys: readonly string[]): Promise<ScopeEntry[]> {
  if (keys.length === 0) return [];
  return exec.all<ScopeEntry>(STATUSES_OF, [runId, keys]);
}

/** The guarded UPDATE of one step and its parameters (the WHERE's first, then the `set` values). */
function guardedPatch(runId: string, key: string, patch: StepPatch, guard: StepGuard) {
  const { statuses, leaseToken } = guard;
  const params: unknown[] = [runId, key];
  if (statuses !== undefined) params.push(statuses);
  if (leaseToken !== undefined) params.push(leaseToken);
  const shape =
    statuses === undefined
      ? leaseToken === undefined
        ? GUARDS.none
        : GUARDS.token
      : leaseToken === undefined
        ? GUARDS.statuses
        : GUARDS.both;
  const { sql, values } = stepPatch(patch, shape.where, shape.params);
  params.push(...values);
  return { sql, params };
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
  const { sql, params } = guardedPatch(runId, key, patch, guard);
  return (await exec.run(sql, params)) > 0;
}

const returning = new Map<string, string>();

/** updateStep, returning the row's scope entry as patched (undefined when the guard did not match). */
export async function updateStepEntry(
  exec: SqlExecutor,
  runId: string,
  key: string,
  patch: StepPatch,
  guard: StepGuard = {},
): Promise<ScopeEntry | undefined> {
  if (guard.statuses !== undefined && guard.statuses.length === 0) return undefined;
  const { sql, params } = guardedPatch(runId, key, patch, guard);
  let text = returning.get(sql);
  if (text === undefined) {
    text = `${sql} returning ${SCOPE_ENTRY_COLUMNS}`;
    returning.set(sql, text);
  }
  const [row] = await exec.all<ScopeEntry>(text, params);
  return row;
}
