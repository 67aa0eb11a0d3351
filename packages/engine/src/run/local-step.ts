/**
 * Local execution (ADR 0012). A step whose node is `local` (pure, deterministic, in-process, no
 * I/O: `transform`) is run inside the unit that makes it startable instead of being handed to a
 * worker: claimed under a lease like an eager dispatch (`step.started` with `local: true`), then,
 * once the unit's own work is done, evaluated and committed through the same guarded commits as any
 * step (commitSuccess, or commitError with the step's retry policy). Its result is committed in
 * that same transaction, together with the steps it makes startable, which may run locally in turn
 * up to a budget per unit. A crash before the commit loses the whole unit, as for any unit: the
 * step that triggered it runs again and so do its local successors, which have no effect outside.
 *
 * Only units of a worker's step execution run local steps: they carry the secrets scope that
 * execution read (reading it inside the unit could wait for the store the unit holds).
 */
import { AtomError } from '@atom/errors';
import type { CompiledStep } from '@atom/spec';
import type { NodeContext, NodeRegistry } from '../ports/node-registry.js';
import type { ClaimedStep, StepKind } from '../ports/store-port.js';
import { buildBindings, withSecrets } from './bindings.js';
import { evaluate } from './expressions.js';
import { redact, redactError } from './redact.js';
import { commitError, commitSuccess } from './step-commits.js';
import { checkedInput, reshapeOutput, type StepLog } from './step-executor.js';
import { errorOf, type SecretScope, stepDef, type Unit } from './unit.js';
import { unitReader } from './unit-reader.js';

/** Steps one unit may run locally; the rest go to a worker as usual. */
export const LOCAL_STEPS_PER_UNIT = 64;

/** What a step execution lends the unit that records it, so that unit can run local steps. */
export interface LocalOffer {
  nodes: NodeRegistry;
  /** The variables and secrets the execution read. */
  scope: SecretScope;
  /** The secret values to redact from what is stored. */
  hidden: string[];
  log: StepLog;
}

/** A unit's local execution: the offer, the budget left, and the steps claimed and not yet run. */
export interface LocalSteps extends LocalOffer {
  budget: number;
  queue: ClaimedStep[];
}

export function localSteps(offer: LocalOffer | null): LocalSteps | null {
  return offer && { ...offer, budget: LOCAL_STEPS_PER_UNIT, queue: [] };
}

const NEVER_ABORTED = new AbortController().signal;

/** True when the step (of `kind`, never run) may be claimed for local execution by this unit. */
export function runsLocally(unit: Unit, stepId: string, kind: StepKind): boolean {
  const local = unit.local;
  if (!local || local.budget <= 0 || unit.run.status !== 'running') return false;
  const def = unit.wf.steps.get(stepId);
  if (!def?.uses || def.cache !== null || def.children !== null) return false;
  // A foreach step expands (its iterations may run locally); `if` is decided by the worker.
  if (kind !== 'iteration' && (kind !== 'step' || def.foreach !== null || def.if !== null)) return false;
  const node = local.nodes.get(def.uses);
  return node?.local === true && node.outputEvent === undefined;
}

/** Runs the unit's local steps (and those they make startable) to the end of its budget. */
export async function runLocalSteps(unit: Unit): Promise<void> {
  const local = unit.local;
  if (!local) return;
  for (let claimed = local.queue.shift(); claimed; claimed = local.queue.shift()) {
    let input: unknown = null;
    let output: unknown;
    try {
      const def = stepDef(unit, claimed);
      const bindings = await buildBindings(unit.services, unitReader(unit), {
        wf: unit.wf,
        run: unit.run,
        key: claimed.key,
        refs: def.refs,
        attempt: claimed.attempt,
        vars: local.scope.vars,
      });
      input = await evaluate(unit.services, def.with, withSecrets(bindings, local.scope.secrets));
      output = await reshapeOutput(
        unit.services,
        def,
        bindings,
        claimed.key,
        await runNode(unit, local, def, claimed, input),
      );
    } catch (error) {
      // What a worker would record for the same failure: the step's retry policy applies.
      await commitError(unit, claimed, redactError(errorOf(error), local.hidden), redact(input, local.hidden));
      continue;
    }
    await commitSuccess(unit, claimed, redact(input, local.hidden), redact(output, local.hidden));
  }
}

async function runNode(unit: Unit, local: LocalSteps, def: CompiledStep, claimed: ClaimedStep, input: unknown) {
  const node = local.nodes.get(def.uses ?? '');
  if (!node) throw new AtomError('ATOM_ERR_NODE_UNKNOWN', `node type "${def.uses}" is not installed`);
  const { run } = unit;
  const ctx: NodeContext = {
    input: checkedInput(node, input, claimed.key),
    run: { id: run.id, workflow: run.workflowName, version: run.version },
    step: { key: claimed.key, id: def.id, attempt: claimed.attempt, idempotencyKey: `${run.id}/${claimed.key}` },
    signal: NEVER_ABORTED,
    now: () => unit.now,
    log: (level, message, data) =>
      local.log(level, message, { runId: run.id, step: claimed.key, ...(data === undefined ? {} : { data }) }),
    resume: null,
  };
  const outcome = await node.run(ctx);
  if (outcome.type !== 'output') {
    throw new AtomError('ATOM_ERR_INTERNAL', `node "${node.type}" is local and cannot suspend a step`);
  }
  return outcome.output;
}
