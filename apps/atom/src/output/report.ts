/** How a finished (or stopped) run is reported: for people, or as JSON with --json. */
import type { Engine, RunRecord } from '@atom/engine';

export async function runReport(engine: Engine, run: RunRecord) {
  const steps = await engine.store.listSteps(run.id);
  return {
    id: run.id,
    workflow: run.workflowName,
    version: run.version,
    status: run.status,
    outputs: await engine.loadValue(run.outputs),
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    steps: steps.map((step) => ({
      key: step.key,
      status: step.status,
      attempt: step.attempt,
      error: step.error,
    })),
  };
}

export function describeEnd(run: RunRecord): string {
  const took = run.finishedAt && run.startedAt ? ` in ${((run.finishedAt - run.startedAt) / 1000).toFixed(2)} s` : '';
  switch (run.status) {
    case 'succeeded':
      return `run ${run.id} succeeded${took}`;
    case 'failed': {
      const step = (run.error?.data as { step?: string } | undefined)?.step;
      return `run ${run.id} failed${took}: ${run.error?.code} ${run.error?.message}${step ? ` (step ${step})` : ''}`;
    }
    case 'cancelled':
      return `run ${run.id} was cancelled`;
    case 'waiting':
      return `run ${run.id} is waiting (for an event, an approval or a child run); \`atom resume ${run.id}\` continues it once it can`;
    default:
      return `run ${run.id} stopped while ${run.status}; \`atom resume ${run.id}\` continues it`;
  }
}
