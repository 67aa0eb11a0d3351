/**
 * Waits (bounded) until a run ends: woken at once by the event bus (this process's engine, and with
 * Redis every process's), and by a slow poll of the store otherwise (a worker elsewhere, no Redis).
 */
import { type Engine, type RunRecord, TERMINAL_RUN_STATUSES } from '@atom/engine';
import type { EventBus } from '../events/event-bus.js';

const POLL_MS = 250;

export async function waitForRunEnd(
  engine: Engine,
  bus: EventBus,
  runId: string,
  timeoutMs: number,
): Promise<RunRecord | undefined> {
  const ended = (run: RunRecord | undefined) => run !== undefined && TERMINAL_RUN_STATUSES.includes(run.status);
  let run = await engine.store.getRun(runId);
  if (ended(run) || timeoutMs <= 0) return run;
  let wake: () => void = () => {};
  const unsubscribe = bus.subscribe((events) => {
    if (events.some((event) => event.runId === runId && event.stepKey === null)) wake();
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (!ended(run) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
      });
      run = await engine.store.getRun(runId);
    }
  } finally {
    unsubscribe();
  }
  return run;
}
