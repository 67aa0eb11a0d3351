/** Step and run states from stream events, so the graph changes colour the moment an event arrives. */
import type { RunEvent, RunStatus, StepState } from '../api/types';

const STEP_EVENT_STATUS: Record<string, string> = {
  'step.ready': 'ready',
  'step.started': 'running',
  'step.retrying': 'retrying',
  'step.waiting': 'waiting',
  'step.approval.requested': 'waiting',
  'step.woken': 'ready',
  'step.lease_expired': 'ready',
  'step.succeeded': 'succeeded',
  'step.failed': 'failed',
  'step.skipped': 'skipped',
  'step.cancelled': 'cancelled',
};

const RUN_EVENT_STATUS: Record<string, RunStatus> = {
  'run.started': 'running',
  'run.waiting': 'waiting',
  'run.succeeded': 'succeeded',
  'run.failed': 'failed',
  'run.cancelled': 'cancelled',
};

export const TERMINAL_RUN = new Set<RunStatus>(['succeeded', 'failed', 'cancelled']);

/** The step states after these events (by step key); steps the run has not created yet are left to the next fetch. */
export function applyEvents(steps: StepState[], events: RunEvent[]): StepState[] {
  let changed = false;
  const byKey = new Map(steps.map((s) => [s.key, s]));
  for (const event of events) {
    const status = STEP_EVENT_STATUS[event.type];
    const step = event.stepKey ? byKey.get(event.stepKey) : undefined;
    if (!status || !step || step.status === status) continue;
    byKey.set(step.key, { ...step, status, attempt: event.type === 'step.retrying' ? step.attempt + 1 : step.attempt });
    changed = true;
  }
  return changed ? steps.map((s) => byKey.get(s.key) ?? s) : steps;
}

export function runStatusAfter(status: RunStatus, events: RunEvent[]): RunStatus {
  let next = status;
  for (const event of events) next = RUN_EVENT_STATUS[event.type] ?? next;
  return next;
}

/** One state per step id for the graph: the step itself, or for a loop or group the most telling of its parts. */
export function statusById(steps: StepState[]): Map<string, { status: string; attempt: number }> {
  const RANK = ['failed', 'running', 'retrying', 'waiting', 'ready', 'pending', 'cancelled', 'succeeded', 'skipped'];
  const result = new Map<string, { status: string; attempt: number }>();
  const own = new Set<string>();
  for (const step of steps) {
    if (own.has(step.stepId)) continue;
    const known = result.get(step.stepId);
    if (step.key === step.stepId) own.add(step.stepId);
    if (!known || own.has(step.stepId) || RANK.indexOf(step.status) < RANK.indexOf(known.status)) {
      result.set(step.stepId, { status: step.status, attempt: step.attempt });
    }
  }
  return result;
}

/** Steps in the order they started (those not started yet last, by key): the table's and the waterfall's order. */
export function inStartOrder(steps: StepState[]): StepState[] {
  const at = (step: StepState) => (step.startedAt ? Date.parse(step.startedAt) : Number.POSITIVE_INFINITY);
  return [...steps].sort((a, b) => at(a) - at(b) || a.key.localeCompare(b.key));
}
