/** State of one step as expressions see it: `$steps.<id>.output | status | error`. */
export interface StepBinding {
  output: unknown;
  status: string;
  error: unknown;
}

/**
 * What an expression can read. Each field is bound as a variable (`$inputs`, `$steps`, …) and the
 * whole object is also the input context `$`.
 */
export interface ExpressionBindings {
  inputs: unknown;
  /** Webhook: `method, path, headers, query, body`; schedule: `scheduledFor, firedAt`. */
  trigger: unknown;
  steps: Record<string, StepBinding>;
  /** Inside `foreach`. */
  item?: unknown;
  index?: number;
  run: { id: string; workflow: string; version: number; attempt: number };
  vars: Record<string, unknown>;
  /** Resolved only for the step that uses them. */
  secrets: Record<string, unknown>;
  /** In event trigger filters and `wait`. */
  event?: unknown;
  /** The raw output, in a step's `output` expression. */
  output?: unknown;
}

/** Per-evaluation limits; each `{{ }}` gets its own budget. */
export interface ExpressionLimits {
  /** Wall time of one expression (default 1000 ms). */
  timeoutMs?: number;
  /** Nested function calls in progress (default 200); runaway recursion hits it. */
  maxDepth?: number;
}
