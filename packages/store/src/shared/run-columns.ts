/**
 * The `runs` columns as RunRecord fields, in RunRecord's order (see columns.ts).
 * In: nothing. Out: the select list and the patchable and JSON columns of `runs`.
 */
import type { RunRecord } from '@atom/engine';
import { type Column, column, jsonFields, patchColumns, selectList } from './columns.js';

const col = column<keyof RunRecord>;

const RUNS: readonly Column<keyof RunRecord>[] = [
  col('id', 'id'),
  col('workspace_id', 'workspaceId'),
  col('workflow_id', 'workflowId'),
  col('workflow_name', 'workflowName'),
  col('version', 'version'),
  col('status', 'status', false, true),
  col('phase', 'phase', false, true),
  col('inputs', 'inputs', true),
  col('trigger', 'trigger', true),
  col('parent_run_id', 'parentRunId'),
  col('parent_step_key', 'parentStepKey'),
  col('dedupe_key', 'dedupeKey'),
  col('outputs', 'outputs', true, true),
  col('error', 'error', true, true),
  col('created_at', 'createdAt'),
  col('started_at', 'startedAt', false, true),
  col('finished_at', 'finishedAt', false, true),
  col('updated_at', 'updatedAt', false, true),
  col('seq', 'seq'),
];

/** Every RunRecord field, aliased. */
export const RUN_COLUMNS = selectList(RUNS);
/** Fields SQLite returns as JSON text. */
export const RUN_JSON_FIELDS = jsonFields(RUNS);
/** The columns a RunPatch may set. */
export const RUN_PATCH_COLUMNS = patchColumns(RUNS);
