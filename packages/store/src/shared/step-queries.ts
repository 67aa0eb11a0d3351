/**
 * The step reads whose SQL differs between the adapters only in placeholders: counts, a whole run's
 * steps, a scope's statuses. Inserts, reads by key lists and the guarded patch pass lists as
 * parameters, which each adapter does its own way (see its step-queries.ts).
 * In: a SqlDialect, then run id and scope. Out: StepRecord / ScopeEntry / counts.
 */
import type { ScopeEntry, StepRecord, StepStatus } from '@atom/engine';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';
import { SCOPE_ENTRY_COLUMNS, STEP_COLUMNS, STEP_JSON_FIELDS } from './step-columns.js';

/** The shared step queries with their SQL written once for `d`. */
export function stepQueries(d: SqlDialect) {
  const run = d.param(1);
  const scope = d.param(2);
  const SCOPE_STATUSES = `select ${SCOPE_ENTRY_COLUMNS} from steps where run_id = ${run} and scope = ${scope} order by idx, key`;
  const COUNT_ACTIVE = `select count(*) as n from steps where run_id = ${run}
  and (status in ('ready', 'retrying') or (status = 'running' and lease_token is not null))`;
  const COUNT_SCOPE = `select status, count(*) as n from steps where run_id = ${run} and scope = ${scope} group by status`;
  const SELECT_RUN_STEPS = `select ${STEP_COLUMNS} from steps where run_id = ${run} order by key`;

  return {
    async scopeStatuses(exec: SqlExecutor, runId: string, scope: string): Promise<ScopeEntry[]> {
      return exec.all<ScopeEntry>(SCOPE_STATUSES, [runId, scope]);
    },
    async countActive(exec: SqlExecutor, runId: string): Promise<number> {
      const [row] = await exec.all<{ n: number }>(COUNT_ACTIVE, [runId]);
      return row?.n ?? 0;
    },
    async countScope(exec: SqlExecutor, runId: string, scope: string): Promise<Partial<Record<StepStatus, number>>> {
      const rows = await exec.all<{ status: StepStatus; n: number }>(COUNT_SCOPE, [runId, scope]);
      const counts: Partial<Record<StepStatus, number>> = {};
      for (const { status, n } of rows) counts[status] = n;
      return counts;
    },
    async listRunSteps(exec: SqlExecutor, runId: string): Promise<StepRecord[]> {
      return d.decodeRows<StepRecord>(await exec.all<object>(SELECT_RUN_STEPS, [runId]), STEP_JSON_FIELDS);
    },
  };
}
