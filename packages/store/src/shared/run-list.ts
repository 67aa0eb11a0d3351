/**
 * StorePort.listRuns for either adapter: runs newest first (`created_at desc, id desc`), filtered,
 * and paged with a keyset cursor (`after`: the last run of the previous page). A cursor needs a
 * total order, hence the id as tie-breaker; ids compare byte by byte in both databases (PostgreSQL
 * through `collate "C"`), so a page boundary falls in the same place whatever the server's locale.
 * The indexes of migrations 0002 (`runs_listing`, `runs_workflow_listing`, …) and 0036
 * (`runs_status_listing`) hold the same order, so a page reads one index range.
 *
 * In: a SqlDialect and how the adapter writes what differs (a list parameter, the ordered id, "no
 * limit"). Out: `listRuns(exec, filter)`. The SQL text depends only on which filters are set, so it
 * is built once per shape.
 */
import type { RunFilter, RunRecord, RunStatus } from '@atom/engine';
import { RUN_COLUMNS, RUN_JSON_FIELDS } from './run-columns.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

export interface RunListSyntax {
  /** `status` is one of the list bound at `placeholder`. */
  statusIn(placeholder: string): string;
  /** The statuses as that placeholder's value. */
  statusList(statuses: readonly RunStatus[]): unknown;
  /** The id as the listing orders and compares it. */
  orderedId: string;
  /** The LIMIT value that means no limit. */
  noLimit: number | null;
}

export function runListQuery(d: SqlDialect, syntax: RunListSyntax) {
  const byShape = new Map<string, string>();
  const order = `order by created_at desc, ${syntax.orderedId} desc`;

  return async function listRuns(exec: SqlExecutor, filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    // Placeholders in text order: SQLite binds `?` that way, and `$n` counts the same.
    const next = (value: unknown): string => {
      params.push(value);
      return d.param(params.length);
    };
    // One status is an equality, so the page is a range of runs_status_listing (migration 0036);
    // several are a list the adapter binds as one parameter.
    if (filter.workspaceId !== undefined) where.push(`workspace_id = ${next(filter.workspaceId)}`);
    const [only, ...more] = filter.status ?? [];
    if (only !== undefined && more.length === 0) where.push(`status = ${next(only)}`);
    else if (filter.status !== undefined) where.push(syntax.statusIn(next(syntax.statusList(filter.status))));
    if (filter.workflowId !== undefined) where.push(`workflow_id = ${next(filter.workflowId)}`);
    if (filter.workflowName !== undefined) where.push(`workflow_name = ${next(filter.workflowName)}`);
    if (filter.triggerKind !== undefined) where.push(`trigger_kind = ${next(filter.triggerKind)}`);
    if (filter.parentRunId === null) where.push('parent_run_id is null');
    else if (filter.parentRunId !== undefined) where.push(`parent_run_id = ${next(filter.parentRunId)}`);
    if (filter.createdFrom !== undefined) where.push(`created_at >= ${next(filter.createdFrom)}`);
    if (filter.createdTo !== undefined) where.push(`created_at < ${next(filter.createdTo)}`);
    if (filter.after !== undefined) {
      const { createdAt, id } = filter.after;
      where.push(`(created_at, ${syntax.orderedId}) < (${next(createdAt)}, ${next(id)})`);
    }
    const limit = next(filter.limit ?? syntax.noLimit);
    const shape = where.join(' and ');
    let sql = byShape.get(shape);
    if (sql === undefined) {
      sql = `select ${RUN_COLUMNS} from runs${shape === '' ? '' : ` where ${shape}`} ${order} limit ${limit}`;
      byShape.set(shape, sql);
    }
    return d.decodeRows<RunRecord>(await exec.all<object>(sql, params), RUN_JSON_FIELDS);
  };
}
