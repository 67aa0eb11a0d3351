/**
 * Runs: insert, read, patch and the completion counter, for either adapter. Listing is in
 * run-list.ts; PostgreSQL's locking read stays in its run-queries.ts.
 * In: a SqlDialect, then NewRun / RunPatch. Out: RunRecord (see run-columns.ts).
 *
 * A run with a `dedupeKey` is inserted only if no run of its workflow holds that key: the unique
 * index runs_dedupe decides, through `on conflict … do nothing`. In PostgreSQL a unit racing another
 * for the same key waits for it, then inserts nothing (0 rows) instead of failing, so its
 * transaction stays usable. The conflict target names that index only: a duplicate run id still
 * fails loudly.
 */
import type { AdmissionCounts, NewRun, RunPatch, RunRecord } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { toJson } from './json-text.js';
import { patchSql } from './patch-sql.js';
import { RUN_COLUMNS, RUN_JSON_FIELDS, RUN_PATCH_COLUMNS } from './run-columns.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/** The run queries with their SQL written once for `d`. */
export function runQueries(d: SqlDialect) {
  const INSERT_RUN =
    'insert into runs (id, workspace_id, workflow_id, workflow_name, version, status, inputs, trigger, parent_run_id, ' +
    `parent_step_key, dedupe_key, created_at, updated_at, priority, max_concurrent) values ${paramList(d, 15)}
  on conflict (workflow_id, dedupe_key) where dedupe_key is not null do nothing`;
  const SELECT_RUN = `select ${RUN_COLUMNS} from runs where id = ${d.param(1)}`;
  const SELECT_BY_DEDUPE_KEY = `select ${RUN_COLUMNS} from runs where workflow_id = ${d.param(1)} and dedupe_key = ${d.param(2)}`;
  const NEXT_SEQ = `update runs set seq = seq + 1 where id = ${d.param(1)} returning seq`;
  const UPDATE_WHERE = `id = ${d.param(1)}`;
  const ADMISSION_COUNTS = `select
    coalesce(sum(case when phase = 'held' then 0 else 1 end), 0) as active,
    coalesce(sum(case when phase = 'held' then 1 else 0 end), 0) as held
  from runs where status in ('queued', 'running', 'waiting')`;
  const WORKSPACE_ADMISSION_COUNTS = `${ADMISSION_COUNTS} and workspace_id = ${d.param(1)}`;
  const HELD_RUN_IDS = `select id from runs where status = 'queued' and phase = 'held'
  order by created_at, id limit ${d.param(1)}`;
  const runPatch = patchSql('runs', RUN_PATCH_COLUMNS, 'updated_at = updated_at', d.param);

  return {
    /** The SELECT of one run by id (`$1` / `?`), for an adapter's own variants of getRun. */
    SELECT_RUN,
    async insertRun(exec: SqlExecutor, run: NewRun): Promise<boolean> {
      const inserted = await exec.run(INSERT_RUN, [
        run.id,
        run.workspaceId,
        run.workflowId,
        run.workflowName,
        run.version,
        run.status,
        toJson(run.inputs),
        toJson(run.trigger),
        run.parentRunId ?? null,
        run.parentStepKey ?? null,
        run.dedupeKey ?? null,
        run.createdAt,
        run.createdAt,
        run.priority ?? 0,
        run.maxConcurrent ?? null,
      ]);
      return inserted > 0;
    },
    async admissionCounts(exec: SqlExecutor, workspaceId?: string): Promise<AdmissionCounts> {
      const [row] = await exec.all<{ active: number | string; held: number | string }>(
        workspaceId === undefined ? ADMISSION_COUNTS : WORKSPACE_ADMISSION_COUNTS,
        workspaceId === undefined ? [] : [workspaceId],
      );
      return { active: Number(row?.active ?? 0), held: Number(row?.held ?? 0) };
    },
    async heldRunIds(exec: SqlExecutor, limit: number): Promise<string[]> {
      const rows = await exec.all<{ id: string }>(HELD_RUN_IDS, [limit]);
      return rows.map((row) => row.id);
    },
    async findRunByDedupeKey(exec: SqlExecutor, workflowId: string, dedupeKey: string): Promise<RunRecord | undefined> {
      const [row] = await exec.all<object>(SELECT_BY_DEDUPE_KEY, [workflowId, dedupeKey]);
      return row === undefined ? undefined : d.decodeJson<RunRecord>(row, RUN_JSON_FIELDS);
    },
    async getRun(exec: SqlExecutor, runId: string): Promise<RunRecord | undefined> {
      const [row] = await exec.all<object>(SELECT_RUN, [runId]);
      return row === undefined ? undefined : d.decodeJson<RunRecord>(row, RUN_JSON_FIELDS);
    },
    async updateRun(exec: SqlExecutor, runId: string, patch: RunPatch): Promise<void> {
      const { sql, values } = runPatch(patch, UPDATE_WHERE, 1);
      if (values.length === 0) return;
      await exec.run(sql, d.patchParams([runId], values));
    },
    async nextSeq(exec: SqlExecutor, runId: string): Promise<number> {
      const [row] = await exec.all<{ seq: number }>(NEXT_SEQ, [runId]);
      if (row === undefined) throw new AtomError('ATOM_ERR_INTERNAL', `nextSeq: run ${runId} does not exist`);
      return row.seq;
    },
  };
}
