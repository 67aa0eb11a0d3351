/**
 * The `steps` columns as StepRecord fields, in StepRecord's order (see columns.ts).
 * In: nothing. Out: the select lists and the patchable and JSON columns of `steps`.
 */
import type { ScopeEntry, StepRecord } from '@atom/engine';
import { type Column, column, fieldList, jsonFields, patchColumns, selectList } from './columns.js';

const col = column<keyof StepRecord>;

const STEPS: readonly Column<keyof StepRecord>[] = [
  col('run_id', 'runId'),
  col('key', 'key'),
  col('step_id', 'stepId'),
  col('scope', 'scope'),
  col('kind', 'kind'),
  col('idx', 'index'),
  col('status', 'status', false, true),
  col('due_at', 'dueAt', false, true),
  col('item', 'item', true),
  col('target', 'target'),
  col('created_at', 'createdAt'),
  col('attempt', 'attempt', false, true),
  col('lease_owner', 'leaseOwner', false, true),
  col('lease_token', 'leaseToken', false, true),
  col('lease_expires_at', 'leaseExpiresAt', false, true),
  col('input', 'input', true, true),
  col('output', 'output', true, true),
  col('error', 'error', true, true),
  col('wait', 'wait', true, true),
  col('resume', 'resume', true, true),
  col('item_count', 'itemCount', false, true),
  col('started_at', 'startedAt', false, true),
  col('finished_at', 'finishedAt', false, true),
  col('completed_seq', 'completedSeq', false, true),
  col('updated_at', 'updatedAt', false, true),
];

/** `s` gives `s.run_id as "runId", …`. */
export const stepColumns = (table?: string): string => selectList(STEPS, table);
/** Every StepRecord field, aliased. */
export const STEP_COLUMNS = stepColumns();
/** The aliases alone, to select them again from a CTE. */
export const STEP_FIELDS = fieldList(STEPS);
/** Fields SQLite returns as JSON text. */
export const STEP_JSON_FIELDS = jsonFields(STEPS);
/** The columns a StepPatch may set. */
export const STEP_PATCH_COLUMNS = patchColumns(STEPS);

/** The ScopeEntry fields, aliased. */
export const SCOPE_ENTRY_COLUMNS = selectList(
  (['key', 'stepId', 'index', 'status', 'createdAt'] satisfies (keyof ScopeEntry)[]).map(
    (field) => STEPS.find((c) => c.field === field) as Column,
  ),
);
