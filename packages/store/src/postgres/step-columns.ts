/**
 * The `steps` columns as StepRecord fields. Queries select them aliased to the field names
 * (`run_id as "runId"`), so pg hands back records directly: `jsonb` is parsed by pg and `bigint`
 * read as numbers (open-pool.ts), leaving nothing to convert.
 */
import type { StepRecord } from '@atom/engine';

const FIELDS: readonly (readonly [column: string, field: keyof StepRecord])[] = [
  ['run_id', 'runId'],
  ['key', 'key'],
  ['step_id', 'stepId'],
  ['scope', 'scope'],
  ['kind', 'kind'],
  ['idx', 'index'],
  ['status', 'status'],
  ['due_at', 'dueAt'],
  ['item', 'item'],
  ['target', 'target'],
  ['created_at', 'createdAt'],
  ['attempt', 'attempt'],
  ['lease_owner', 'leaseOwner'],
  ['lease_token', 'leaseToken'],
  ['lease_expires_at', 'leaseExpiresAt'],
  ['input', 'input'],
  ['output', 'output'],
  ['error', 'error'],
  ['wait', 'wait'],
  ['resume', 'resume'],
  ['item_count', 'itemCount'],
  ['started_at', 'startedAt'],
  ['finished_at', 'finishedAt'],
  ['completed_seq', 'completedSeq'],
  ['updated_at', 'updatedAt'],
];

/** `run_id as "runId", …`; `table` qualifies each column (`s` gives `s.run_id as "runId"`). */
export function stepColumns(table?: string): string {
  const prefix = table === undefined ? '' : `${table}.`;
  return FIELDS.map(([column, field]) => `${prefix}${column} as "${field}"`).join(', ');
}

export const STEP_COLUMNS = stepColumns();

/** The aliases alone (`"runId", "key", …`), to select them again from a CTE. */
export const STEP_FIELDS = FIELDS.map(([, field]) => `"${field}"`).join(', ');
