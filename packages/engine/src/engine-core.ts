import type { EngineOptions } from './engine-options.js';
import type { ClockPort } from './ports/clock-port.js';
import type { ClaimedStep, NewRunEvent, RunRecord, StorePort } from './ports/store-port.js';
import type { StartedStep } from './run/claims.js';
import type { EagerDispatch } from './run/dispatch.js';

/** What a worker needs from the engine (the Engine class provides it). */
export interface EngineCore {
  readonly store: StorePort;
  readonly clock: ClockPort;
  readonly options: EngineOptions;
  onEvents(listener: (events: readonly NewRunEvent[]) => void): () => void;
  /**
   * Claims due steps and records their start (and their runs', if queued or waiting) in one unit,
   * which also runs the claimed steps of local nodes (ADR 0018). `started`: the steps left for the
   * worker to run; `claimed`: how many steps the claim took in all.
   */
  claim(options: {
    owner: string;
    now: number;
    limit: number;
    leaseMs: number;
  }): Promise<{ started: StartedStep[]; claimed: number }>;
  /** Runs a claimed step; `dispatch` lets its commit claim the next steps for the same worker. */
  execute(run: RunRecord, step: ClaimedStep, signal: AbortSignal, dispatch: EagerDispatch | null): Promise<void>;
  /** Returns expired leases (or those of the given dead workers) to the queue. */
  releaseLeases(options: { now: number; owners?: readonly string[] }): Promise<number>;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data: Record<string, unknown>): void;
}
