/**
 * The validated, compiled form of a workflow document: what the engine executes.
 * Produced only by `compileWorkflow` / `validateWorkflow`; every expression in it is already
 * compiled, every default already applied, every `needs` already resolved.
 */
import type { CompiledTemplate } from './expression/template.js';
import type { WorkflowDocument } from './model/workflow-model.js';

export type JsonSchema = Record<string, unknown>;

export interface RetryPolicy {
  /** Total attempts including the first; 1 means no retry. */
  attempts: number;
  backoff: 'fixed' | 'exponential';
  delayMs: number;
  maxDelayMs: number;
  jitter: boolean;
}

export interface CompiledScope {
  /** Id of the group or foreach step that owns this scope; null for the top level and onFailure. */
  owner: string | null;
  /** In document order. */
  steps: CompiledStep[];
}

export interface CompiledStep {
  id: string;
  name: string | null;
  description: string | null;
  /** Node type, or null for a group of `steps`. */
  uses: string | null;
  /** The inner steps of a group; null for a node step. */
  children: CompiledScope | null;
  /** Ids of the enclosing group/foreach steps, outermost first; [] at the top level. */
  ancestors: string[];
  /** True for steps under the top-level `onFailure`. */
  inOnFailure: boolean;
  /** Position in its scope. */
  index: number;
  /** Resolved: the explicit `needs`, else the previous step of the scope, else [] for the first. */
  needs: string[];
  if: CompiledTemplate | null;
  foreach: CompiledTemplate | null;
  /** Parallel iterations of a foreach (default 10). */
  concurrency: number;
  /** The `with` object ({} when absent), expressions compiled. Deferred inputs are kept as text. */
  with: CompiledTemplate;
  connection: string | null;
  /** Merged with `defaults.retry`; attempts 1 when neither sets it. */
  retry: RetryPolicy;
  /** Step, else `defaults.timeout`, else 300 000 ms. */
  timeoutMs: number;
  onError: 'fail' | 'continue';
  compensate: { uses: string; with: CompiledTemplate; connection: string | null } | null;
  /** `cache: true` means ttl 1 hour and the resolved input as key. */
  cache: { ttlMs: number; key: CompiledTemplate | null } | null;
  /** Reshapes the result: evaluated with `$output` bound to the raw output. */
  output: CompiledTemplate | null;
  /** Step ids this step's expressions read through `$steps.<id>`. */
  refs: string[];
}

export interface CompiledWorkflow {
  name: string;
  /** The document as parsed, unknown fields refused. */
  document: WorkflowDocument;
  /** sha256 (hex) of the canonical JSON of `document`. */
  hash: string;
  root: CompiledScope;
  /** Steps of the top-level `onFailure`, null when absent. */
  onFailure: CompiledScope | null;
  /** The `outputs` object, expressions compiled; null when absent. */
  outputs: CompiledTemplate | null;
  /** JSON Schema of run inputs; null when absent. */
  inputs: JsonSchema | null;
  /** Every step of the document (nested and onFailure ones too) by id. */
  steps: ReadonlyMap<string, CompiledStep>;
}
