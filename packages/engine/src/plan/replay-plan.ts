/**
 * Which top-level steps a replay reuses (DESIGN §1.3, §4 "Replay").
 *
 * In: the top-level steps of the version the replay runs on, the step to replay from (or null),
 * and the status of each top-level step of the original run by id. Out: the ids whose original
 * result is copied into the new run. Without `fromStep` nothing is reused. With it, a step is
 * reused when it is neither `fromStep` nor downstream of it (through `needs`, transitively, in the
 * new version) and it ended `succeeded` or `skipped` in the original run.
 */
import type { CompiledStep } from '@atom/spec';
import type { StepStatus } from '../ports/store-port.js';

export function replayReuse(
  steps: readonly CompiledStep[],
  fromStep: string | null,
  original: ReadonlyMap<string, StepStatus>,
): string[] {
  if (fromStep === null) return [];
  const rerun = downstreamOf(steps, fromStep);
  return steps
    .filter((step) => !rerun.has(step.id))
    .filter((step) => {
      const status = original.get(step.id);
      return status === 'succeeded' || status === 'skipped';
    })
    .map((step) => step.id);
}

/** `from` and every step that needs it, directly or not. */
export function downstreamOf(steps: readonly CompiledStep[], from: string): Set<string> {
  const found = new Set([from]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const step of steps) {
      if (!found.has(step.id) && step.needs.some((need) => found.has(need))) {
        found.add(step.id);
        grew = true;
      }
    }
  }
  return found;
}
