/** How runs and their steps appear in API answers (ISO times, store internals such as leases left out). */
import type { RunRecord, StepRecord } from '@atom/engine';
import { iso } from '../workflows/workflow-view.js';

export function runSummaryView(run: RunRecord) {
  return {
    id: run.id,
    workflow: { id: run.workflowId, name: run.workflowName, version: run.version },
    status: run.status,
    trigger: { kind: (run.trigger as { kind?: string } | null)?.kind ?? 'manual' },
    parentRunId: run.parentRunId,
    error: run.error,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}

export function stepView(step: StepRecord) {
  return {
    key: step.key,
    stepId: step.stepId,
    scope: step.scope,
    kind: step.kind,
    index: step.index,
    status: step.status,
    attempt: step.attempt,
    input: step.input ?? null,
    output: step.output ?? null,
    error: step.error,
    wait: step.wait,
    itemCount: step.itemCount,
    dueAt: iso(step.dueAt),
    startedAt: iso(step.startedAt),
    finishedAt: iso(step.finishedAt),
    durationMs: step.startedAt !== null && step.finishedAt !== null ? step.finishedAt - step.startedAt : null,
  };
}

export function runView(run: RunRecord, steps: readonly StepRecord[]) {
  return {
    ...runSummaryView(run),
    phase: run.phase,
    inputs: run.inputs ?? null,
    trigger: run.trigger ?? null,
    outputs: run.outputs ?? null,
    updatedAt: iso(run.updatedAt),
    steps: steps.map(stepView),
  };
}

const TIME = { type: ['string', 'null'] } as const;
const ANY = {} as const;

export const RUN_SUMMARY_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    workflow: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' } },
    },
    status: { type: 'string', enum: ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] },
    trigger: ANY,
    parentRunId: { type: ['string', 'null'] },
    error: ANY,
    createdAt: TIME,
    startedAt: TIME,
    finishedAt: TIME,
  },
} as const;

export const STEP_SCHEMA = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    stepId: { type: 'string' },
    scope: { type: 'string' },
    kind: { type: 'string' },
    index: { type: 'integer' },
    status: { type: 'string' },
    attempt: { type: 'integer' },
    input: ANY,
    output: ANY,
    error: ANY,
    wait: ANY,
    itemCount: { type: ['integer', 'null'] },
    dueAt: TIME,
    startedAt: TIME,
    finishedAt: TIME,
    durationMs: { type: ['integer', 'null'] },
  },
} as const;

export const RUN_SCHEMA = {
  type: 'object',
  properties: {
    ...RUN_SUMMARY_SCHEMA.properties,
    phase: { type: 'string' },
    inputs: ANY,
    outputs: ANY,
    updatedAt: TIME,
    steps: { type: 'array', items: STEP_SCHEMA },
  },
} as const;
