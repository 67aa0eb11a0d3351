/**
 * The embedded worker of a long-running process (`atom start`, `atom worker`): runs until stopped;
 * stopping claims nothing new, gives running steps `graceMs` to finish and commit, then releases
 * the leases of any still running so another worker (or the next start) runs them at once instead
 * of waiting for the leases to expire.
 */
import type { Runtime } from './open-runtime.js';

export interface WorkerLoop {
  running(): boolean;
  /** Resolves once the loop ended or the grace period passed; `released` counts leases handed back. */
  stop(graceMs: number): Promise<{ finished: boolean; released: number }>;
}

export function startWorkerLoop(runtime: Runtime, concurrency?: number): WorkerLoop {
  const { engine } = runtime;
  const abort = new AbortController();
  let running = true;
  const done = engine
    .createWorker({
      id: runtime.workerId,
      registry: runtime.registration,
      ...(concurrency ? { concurrency } : {}),
      ...(runtime.config.workerPollMs ? { pollMs: runtime.config.workerPollMs } : {}),
    })
    .run({ signal: abort.signal })
    .finally(() => {
      running = false;
    });
  return {
    running: () => running,
    async stop(graceMs) {
      abort.abort();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        done.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (finished) return { finished, released: 0 };
      const released = await engine.releaseLeases({ now: engine.clock.now(), owners: [runtime.workerId] });
      return { finished, released };
    },
  };
}

/** Resolves with the first SIGTERM or SIGINT; a second one exits at once with 130. */
export function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.once('SIGTERM', () => process.exit(130));
      process.once('SIGINT', () => process.exit(130));
      resolve(signal);
    };
    process.once('SIGTERM', () => on('SIGTERM'));
    process.once('SIGINT', () => on('SIGINT'));
  });
}
