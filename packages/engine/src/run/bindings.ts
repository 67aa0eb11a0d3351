/**
 * Builds the expression bindings of one step instance (DESIGN §3): `$inputs`, `$trigger`,
 * `$steps` (only the steps its expressions read, each seen from this instance, so inside a
 * foreach `$steps.x` is this iteration's `x`), `$item`/`$index`, `$run`, `$vars`, `$secrets`.
 */
import type { CompiledStep, CompiledWorkflow, ExpressionBindings } from '@atom/spec';
import { nearestIteration, resolveKey } from '../plan/step-keys.js';
import type { RunRecord, StepRecord } from '../ports/store-port.js';
import { type EngineServices, loadOutput } from './unit.js';

/** The bindings of one step instance: the format's `ExpressionBindings`. */
export type StepBindings = ExpressionBindings;

/** The part of a step row that expressions see. */
export type BindingRow = Pick<StepRecord, 'key' | 'status' | 'output' | 'error' | 'item' | 'index'>;

/** Reads step rows by key; inside a unit the transaction's, outside the store's (or the output memo). */
export type StepReader = (runId: string, keys: readonly string[]) => Promise<BindingRow[]>;

export interface BindingRequest {
  wf: CompiledWorkflow;
  run: RunRecord;
  /** The instance the expressions belong to (for compensations: the instance being undone). */
  key: string;
  /** Step ids whose outputs are read. */
  refs: readonly string[];
  attempt: number;
  /** The variables, when the caller already read them (else they are read here). */
  vars?: Record<string, string>;
}

export async function buildBindings(
  services: EngineServices,
  read: StepReader,
  request: BindingRequest,
): Promise<StepBindings> {
  const { wf, run, key } = request;
  const keyOf = new Map<string, string>();
  const iterationKey = nearestIteration(key);
  for (const ref of request.refs) {
    const def = wf.steps.get(ref);
    if (!def) continue;
    // Inside (or undoing) iteration `loop[2]`, `$steps.loop` is that iteration, not the whole loop.
    const own = iterationKey !== undefined && iterationKey.replace(/^.*\./, '').replace(/\[\d+\]$/, '') === ref;
    keyOf.set(own ? (iterationKey as string) : resolveKey(key, ref, def.ancestors), ref);
  }
  const wanted = [...keyOf.keys()];
  if (iterationKey !== undefined) wanted.push(iterationKey);
  const rows = wanted.length === 0 ? [] : await read(run.id, wanted);
  const steps: StepBindings['steps'] = {};
  let iteration: BindingRow | undefined;
  for (const row of rows) {
    if (row.key === iterationKey) iteration = row;
    const id = keyOf.get(row.key);
    if (id === undefined) continue;
    steps[id] = {
      output: row.status === 'succeeded' ? await loadOutput(services.blobs, row.output) : null,
      status: row.status,
      error: row.error,
    };
  }
  const vars = request.vars ?? (await services.secrets(run.workspaceId)).vars;
  const bindings: StepBindings = {
    inputs: run.inputs ?? {},
    trigger: run.trigger ?? {},
    steps,
    run: { id: run.id, workflow: run.workflowName, version: run.version, attempt: request.attempt },
    vars,
    // Secrets are bound only where a node's input is resolved (withSecrets), never elsewhere.
    secrets: {},
  };
  if (iteration) {
    bindings.item = iteration.item;
    bindings.index = iteration.index;
  }
  return bindings;
}

/** The bindings for resolving a node's `with`: the only place `$secrets` is readable (DESIGN §3). */
export function withSecrets(bindings: StepBindings, secrets: Record<string, string>): StepBindings {
  return { ...bindings, secrets };
}

/** The refs a step's own `output` and `compensate` may need besides its declared refs: itself. */
export function refsWithSelf(def: CompiledStep): string[] {
  return def.refs.includes(def.id) ? def.refs : [...def.refs, def.id];
}
