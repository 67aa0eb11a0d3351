/**
 * Drives runs to their end on this process's embedded worker: used by `atom run` and
 * `atom resume`. Stops when every target run has ended, when nothing more can happen without an
 * outside event, or when interrupted (Ctrl-C): running steps finish, the rest stays resumable.
 */
import { type NewRunEvent, RUN_END_EVENTS, type RunRecord } from '@atom/engine';
import type { Runtime } from './open-runtime.js';

export interface DriveResult {
  runs: RunRecord[];
  interrupted: boolean;
}

export async function driveRuns(
  runtime: Runtime,
  runIds: readonly string[],
  onEvents: (events: readonly NewRunEvent[]) => void,
): Promise<DriveResult> {
  const { engine } = runtime;
  const open = new Set(runIds);
  for (const id of runIds) {
    const run = await engine.store.getRun(id);
    if (run && ['succeeded', 'failed', 'cancelled'].includes(run.status)) open.delete(id);
  }
  const unsubscribe = engine.onEvents((events) => {
    onEvents(events);
    for (const event of events) if (RUN_END_EVENTS.has(event.type)) open.delete(event.runId);
  });
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (open.size > 0) {
      await engine
        .createWorker({ id: runtime.workerId, registry: runtime.registration })
        .run({ until: () => open.size === 0, signal: interrupt.signal, stopWhenIdle: true });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    unsubscribe();
  }
  const runs: RunRecord[] = [];
  for (const id of runIds) {
    const run = await engine.store.getRun(id);
    if (run) runs.push(run);
  }
  return { runs, interrupted: interrupt.signal.aborted };
}
