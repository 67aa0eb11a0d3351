import { DEFAULT_MAX_NESTING } from '@atom/spec';

/** Limits and tunables of the engine; every one has a default (DESIGN §3 "Limits"). */
export interface EngineOptions {
  /** Outputs larger than this (bytes of JSON) are stored as blobs and kept by reference. */
  inlineOutputBytes: number;
  /** Outputs larger than this fail their step with ATOM_ERR_STEP_OUTPUT_TOO_LARGE. */
  maxOutputBytes: number;
  maxForeachItems: number;
  /** How long a claimed step stays ours without a heartbeat. */
  leaseMs: number;
  /** Steps one worker runs at the same time. */
  concurrency: number;
  expressionTimeoutMs: number;
  expressionMaxDepth: number;
  maxSteps: number;
  /** Deepest nesting of arrays and objects in documents, run inputs, trigger data and step outputs (ATOM_MAX_NESTING). */
  maxNesting: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  inlineOutputBytes: 256 * 1024,
  maxOutputBytes: 16 * 1024 * 1024,
  maxForeachItems: 100_000,
  leaseMs: 30_000,
  concurrency: 32,
  expressionTimeoutMs: 1_000,
  expressionMaxDepth: 200,
  maxSteps: 1_000,
  maxNesting: DEFAULT_MAX_NESTING,
};
