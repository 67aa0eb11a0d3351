/**
 * The `steps` table row and its mapping to StepRecord.
 * In: a row selected with STEP_COLUMNS. Out: a StepRecord with every field present.
 */

import type { ResumeInfo, StepKind, StepRecord, StepStatus, WaitInfo } from '@atom/engine';
import type { ErrorRecord } from '@atom/errors';
import { fromJson } from './json-column.js';

export const STEP_COLUMNS =
  'run_id, key, step_id, scope, kind, idx, status, due_at, item, target, created_at, attempt, lease_owner, ' +
  'lease_token, lease_expires_at, input, output, error, wait, resume, item_count, started_at, finished_at, ' +
  'completed_seq, updated_at';

export interface StepRow {
  run_id: string;
  key: string;
  step_id: string;
  scope: string;
  kind: StepKind;
  idx: number;
  status: StepStatus;
  due_at: number | null;
  item: string | null;
  target: string | null;
  created_at: number;
  attempt: number;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  input: string | null;
  output: string | null;
  error: string | null;
  wait: string | null;
  resume: string | null;
  item_count: number | null;
  started_at: number | null;
  finished_at: number | null;
  completed_seq: number | null;
  updated_at: number;
}

export function toStepRecord(row: StepRow): StepRecord {
  return {
    runId: row.run_id,
    key: row.key,
    stepId: row.step_id,
    scope: row.scope,
    kind: row.kind,
    index: row.idx,
    status: row.status,
    dueAt: row.due_at,
    item: fromJson(row.item),
    target: row.target,
    createdAt: row.created_at,
    attempt: row.attempt,
    leaseOwner: row.lease_owner,
    leaseToken: row.lease_token,
    leaseExpiresAt: row.lease_expires_at,
    input: fromJson(row.input),
    output: fromJson(row.output),
    error: fromJson<ErrorRecord>(row.error),
    wait: fromJson<WaitInfo>(row.wait),
    resume: fromJson<ResumeInfo>(row.resume),
    itemCount: row.item_count,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    completedSeq: row.completed_seq,
    updatedAt: row.updated_at,
  };
}
