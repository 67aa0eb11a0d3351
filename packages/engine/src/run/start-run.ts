/**
 * Creating a run inside a unit: the run row, one `pending` row per top-level step, the first
 * steps `ready`. Used for new runs and for the child runs of `workflow.call`.
 */
import type { CompiledStep, CompiledWorkflow } from '@atom/spec';
import type { NewRunEvent, NewStep, StoreTx } from '../ports/store-port.js';
import { RunEvents } from './event-types.js';

export interface RunSpec {
  id: string;
  workflowId: string;
  version: number;
  inputs: unknown;
  trigger: unknown;
  parentRunId: string | null;
  parentStepKey: string | null;
}

export async function insertRun(
  tx: StoreTx,
  wf: CompiledWorkflow,
  spec: RunSpec,
  now: number,
  events: NewRunEvent[],
): Promise<void> {
  await tx.insertRun({
    id: spec.id,
    workflowId: spec.workflowId,
    workflowName: wf.name,
    version: spec.version,
    status: 'queued',
    inputs: spec.inputs,
    trigger: spec.trigger,
    parentRunId: spec.parentRunId,
    parentStepKey: spec.parentStepKey,
    createdAt: now,
  });
  events.push({
    runId: spec.id,
    type: RunEvents.runCreated,
    stepKey: null,
    data: { workflow: wf.name, version: spec.version, parentRunId: spec.parentRunId },
    at: now,
  });
  await tx.insertSteps(
    wf.root.steps.map((step) => {
      const ready = step.needs.length === 0;
      if (ready) events.push({ runId: spec.id, type: RunEvents.stepReady, stepKey: step.id, data: null, at: now });
      return {
        runId: spec.id,
        key: step.id,
        stepId: step.id,
        scope: '',
        kind: 'step' as const,
        index: step.index,
        status: ready ? ('ready' as const) : ('pending' as const),
        dueAt: ready ? now : null,
        item: null,
        target: null,
        createdAt: now,
      };
    }),
  );
}

/** Rows for the steps of a scope, all `pending` (the planner makes the first ones ready). */
export function pendingRows(
  runId: string,
  scope: string,
  steps: readonly CompiledStep[],
  keyOf: (step: CompiledStep) => string,
  now: number,
): NewStep[] {
  return steps.map((step) => ({
    runId,
    key: keyOf(step),
    stepId: step.id,
    scope,
    kind: 'step',
    index: step.index,
    status: 'pending',
    dueAt: null,
    item: null,
    target: null,
    createdAt: now,
  }));
}
