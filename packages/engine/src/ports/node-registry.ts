/**
 * NodeRegistry: the node types (built-in and connectors) the engine can run.
 * In: a node type name (`http.request`). Out: its definition: input schema and run function.
 */
import type { ResumeInfo } from './store-port.js';

export type JsonSchema = Record<string, unknown>;

export interface InputIssue {
  /** Path inside the step's `with`, e.g. `headers.accept`; '' for the whole input. */
  path: string;
  message: string;
}

/** How a node parks its run; no worker is held while it waits. */
export type Suspension =
  | { kind: 'timer'; until: number }
  | { kind: 'event'; name: string; filter: string | null; timeoutAt: number | null }
  | { kind: 'child'; workflow: string; version: number | null; inputs: unknown }
  | { kind: 'approval'; approvers: string[]; message: string | null; timeoutAt: number | null };

export type NodeOutcome = { type: 'output'; output: unknown } | { type: 'suspend'; suspension: Suspension };

export interface NodeContext<I = unknown> {
  input: I;
  run: { id: string; workflow: string; version: number };
  step: {
    key: string;
    id: string;
    attempt: number;
    /** Stable across attempts: `run/step-key`; pass it to services that deduplicate. */
    idempotencyKey: string;
  };
  /** Aborted when the step times out or the run is cancelled. */
  signal: AbortSignal;
  now(): number;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: unknown): void;
  /** Set when the node runs again after a suspension. */
  resume: ResumeInfo | null;
}

export interface NodeDefinition {
  /** `namespace.action`, e.g. `http.request`. */
  readonly type: string;
  /** Bumped when a prop changes or goes away. */
  readonly version: number;
  readonly title: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the step's `with`. */
  readonly inputSchema: JsonSchema;
  /**
   * Top-level `with` keys whose `{{ }}` strings are not evaluated before `run`; the node receives
   * the expression text (the `if` filter of `wait`, evaluated when an event arrives).
   */
  readonly deferredInputs: readonly string[];
  /**
   * A run event the engine appends, with the node's raw output as its data, each time a step of
   * this type succeeds (`respond` announces `run.responded`, which a webhook server answers with).
   * The data is redacted and size-limited like a stored output.
   */
  readonly outputEvent?: string;
  /**
   * The node copies its input into its output, a log line, an answer or an error (transform, log,
   * respond, fail, approval): `$secrets` in its `with` is refused when the workflow is validated.
   */
  readonly copiesInput?: boolean;
  /**
   * Pure: the output depends only on the input, the node does no I/O and has no effect outside
   * the step, and it is quick. The engine may then run the step inside the unit that makes it
   * startable, committed in the same transaction (ADR 0012). `transform` is local.
   */
  readonly local?: boolean;
  /** Checks and normalises the resolved input. */
  parseInput(input: unknown): { ok: true; value: unknown } | { ok: false; issues: InputIssue[] };
  run(ctx: NodeContext): Promise<NodeOutcome>;
}

export interface NodeRegistry {
  get(type: string): NodeDefinition | undefined;
  list(): readonly NodeDefinition[];
}
