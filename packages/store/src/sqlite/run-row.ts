/**
 * The `runs` table row and its mapping to RunRecord.
 * In: a row selected with RUN_COLUMNS. Out: a RunRecord with every field present.
 */

import type { RunPhase, RunRecord, RunStatus } from '@atom/engine';
import type { ErrorRecord } from '@atom/errors';
import { fromJson } from './json-column.js';

export const RUN_COLUMNS =
  'id, workflow_id, workflow_name, version, status, phase, inputs, trigger, parent_run_id, parent_step_key, ' +
  'outputs, error, created_at, started_at, finished_at, updated_at, seq';

export interface RunRow {
  id: string;
  workflow_id: string;
  workflow_name: string;
  version: number;
  status: RunStatus;
  phase: RunPhase;
  inputs: string | null;
  trigger: string | null;
  parent_run_id: string | null;
  parent_step_key: string | null;
  outputs: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  seq: number;
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    workflowName: row.workflow_name,
    version: row.version,
    status: row.status,
    phase: row.phase,
    inputs: fromJson(row.inputs),
    trigger: fromJson(row.trigger),
    parentRunId: row.parent_run_id,
    parentStepKey: row.parent_step_key,
    outputs: fromJson(row.outputs),
    error: fromJson<ErrorRecord>(row.error),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    seq: row.seq,
  };
}
