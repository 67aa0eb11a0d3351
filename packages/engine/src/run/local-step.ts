/**
 * Local execution (ADR 0012). A step whose node is `local` (pure, deterministic, in-process, no
 * I/O: `transform`) is run inside the unit that makes it startable instead of being handed to a
 * worker: queued in the unit (its row stays `pending` meanwhile, so nothing else can think it
 * finished), then, once the unit's own work is done, evaluated and written from `pending` straight
 * to its result with `step.started` (`local: true`) and `step.succeeded`, through the same success
 * path as any step. A failure claims it under a lease and goes through commitError with the step's
 * retry policy, as a worker's would. Its result is committed in that same transaction, together
 * with the steps it makes startable, which may run locally in turn up to a budget per unit. A crash before the commit loses the whole unit, as for any unit: the
 * step that triggered it runs again and so do its local successors, which have no effect outside.
 *
 * Only units of a worker's step execution run local steps: they carry the secrets scope that
 * execution read (reading it inside the unit could wait for the store the unit holds).
 */
import { AtomError, type ErrorRecord } from '@atom/errors';
import type { CompiledStep, CompiledWorkflow } from '@atom/spec';
import { ROOT_SCOPE } from '../plan/step-keys.js';
import type { NodeContext, NodeRegistry } from '../ports/node-registry.js';
import type { ClaimedStep, StepKind, StepRecord } from '../ports/store-port.js';
import { buildBindings, withSecrets } from './bindings.js';
import { eagerClaim } from './dispatch.js';
import { RunEvents } from './event-types.js';
import { evaluate } from './expressions.js';
import { redact, redactError } from './redact.js';
import { settleScope } from './settle.js';
import { commitError, commitSuccess, recordSuccess } from './step-commits.js';
import { checkedInput, reshapeOutput, type StepLog } from './step-executor.js';
import { assertStorableInput, emit, errorOf, keptInput, type SecretScope, stepDef, type Unit } from './unit.js';
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

/**
 * A row queued to run in the unit: pending (with the data of its `step.started`), or already claimed
 * by a worker that handed it over (`held`).
 */
interface QueuedStep {
  row: StepRecord;
  data: Record<string, unknown> | null;
  held: ClaimedStep | null;
  /** The status a row not held is taken from (its result is written only if it still has it). */
  from: 'pending' | 'ready';
}

/** A unit's local execution: the offer, the budget left, the steps queued (and every key ever queued). */
export interface LocalSteps extends LocalOffer {
  budget: number;
  queue: QueuedStep[];
  queued: Set<string>;
}

export function localSteps(offer: LocalOffer | null): LocalSteps | null {
  return offer && { ...offer, budget: LOCAL_STEPS_PER_UNIT, queue: [], queued: new Set() };
}

const NEVER_ABORTED = new AbortController().signal;

/** True when a step of `kind` of the document step `stepId` is one a unit may run (see the header). */
export function isLocalStep(wf: CompiledWorkflow, nodes: NodeRegistry, stepId: string, kind: StepKind): boolean {
  const def = wf.steps.get(stepId);
  if (!def?.uses || def.cache !== null || def.children !== null) return false;
  // A foreach step expands (its iterations may run locally); `if` is decided by the worker.
  if (kind !== 'iteration' && (kind !== 'step' || def.foreach !== null || def.if !== null)) return false;
  const node = nodes.get(def.uses);
  return node?.local === true && node.outputEvent === undefined;
}

function runsLocally(unit: Unit, local: LocalSteps, stepId: string, kind: StepKind): boolean {
  if (local.budget <= 0 || unit.run.status !== 'running') return false;
  return isLocalStep(unit.wf, local.nodes, stepId, kind);
}

/**
 * A worker's claimed step of a local node, run in the unit that records it instead of by the
 * worker (so the evaluation happens once, inside the commit).
 */
export function queueClaimed(unit: Unit, claimed: ClaimedStep): void {
  const local = unit.local;
  if (!local) throw new AtomError('ATOM_ERR_INTERNAL', `step ${claimed.key} was handed over without a local offer`);
  local.queued.add(claimed.key);
  local.queue.push({ row: claimed, data: null, held: claimed, from: 'pending' });
}

/**
 * Takes a pending row that is being made startable for this unit to run, if it may; true when the
 * unit has it (queued now or before), false when it goes the usual way (a worker, or `ready`).
 */
export function queueLocal(unit: Unit, row: StepRecord, data: Record<string, unknown> | null): boolean {
  const local = unit.local;
  if (!local) return false;
  if (local.queued.has(row.key)) return true;
  if (row.attempt !== 0 || !runsLocally(unit, local, row.stepId, row.kind)) return false;
  local.queued.add(row.key);
  local.budget--;
  local.queue.push({ row, data, held: null, from: 'pending' });
  return true;
}

/** Per workflow: the keys of its top-level steps of a local node that start with the run (no needs). */
const firstLocalKeys = new WeakMap<CompiledWorkflow, string[]>();

function localFirstSteps(wf: CompiledWorkflow, nodes: NodeRegistry): string[] {
  let keys = firstLocalKeys.get(wf);
  if (!keys) {
    keys = wf.root.steps
      .filter((step) => step.needs.length === 0 && isLocalStep(wf, nodes, step.id, 'step'))
      .map((step) => step.id);
    firstLocalKeys.set(wf, keys);
  }
  return keys;
}

/**
 * A run's first steps are made `ready` when it starts, each to be claimed on its own. A unit that
 * runs one of them (claimed, held) takes the others of a local node too, those still ready and not
 * held by another unit, so that a fan-out of local steps runs in one unit instead of one claim per
 * branch (ADR 0021). They count against the budget like any local step.
 */
async function queueReadyFirstSteps(unit: Unit, local: LocalSteps): Promise<void> {
  if (local.budget <= 0 || unit.run.status !== 'running' || unit.run.phase !== 'main') return;
  if (!local.queue.some(({ held }) => held?.kind === 'step' && held.scope === ROOT_SCOPE)) return;
  const keys = localFirstSteps(unit.wf, local.nodes).filter((key) => !local.queued.has(key));
  if (keys.length === 0) return;
  for (const row of await unit.tx.readyAmong(unit.run.id, keys.slice(0, local.budget), unit.now)) {
    local.queued.add(row.key);
    local.budget--;
    local.queue.push({ row, data: null, held: null, from: 'ready' });
  }
}

/** Runs the unit's local steps (and those they make startable) to the end of its budget. */
export async function runLocalSteps(unit: Unit): Promise<void> {
  const local = unit.local;
  if (!local) return;
  await queueReadyFirstSteps(unit, local);
  for (let next = local.queue.shift(); next; next = local.queue.shift()) {
    const { held } = next;
    const attempt = held ? held.attempt : next.row.attempt + 1;
    const row: StepRecord = held ?? { ...next.row, status: 'running', attempt, startedAt: unit.now };
    let input: unknown = null;
    let output: unknown;
    try {
      const def = stepDef(unit, row);
      const bindings = await buildBindings(unit.services, unitReader(unit), {
        wf: unit.wf,
        run: unit.run,
        key: row.key,
        refs: def.refs,
        attempt,
        vars: local.scope.vars,
      });
      input = await evaluate(unit.services, def.with, withSecrets(bindings, local.scope.secrets));
      assertStorableInput(row.key, input);
      output = await reshapeOutput(unit.services, def, bindings, row.key, await runNode(unit, local, def, row, input));
    } catch (error) {
      await failLocally(unit, next, redactError(errorOf(error), local.hidden), redact(keptInput(input), local.hidden));
      continue;
    }
    const stored = redact(input, local.hidden);
    if (held) {
      await commitSuccess(unit, held, stored, redact(output, local.hidden));
      continue;
    }
    const write = {
      release: { attempt, startedAt: unit.now, ...(next.from === 'ready' ? { dueAt: null } : {}) },
      guard: { statuses: [next.from] },
      started: { attempt, local: true, ...next.data },
    };
    // No longer as it was (it cannot be, short of a bug): let the scope decide from what it holds.
    if (!(await recordSuccess(unit, row, write, stored, redact(output, local.hidden)))) {
      await settleScope(unit, row.scope, null);
    }
  }
}

/** A local step failed: claimed under a lease like any started step, then recorded as a worker would. */
async function failLocally(unit: Unit, queued: QueuedStep, error: ErrorRecord, input: unknown): Promise<void> {
  const { row, data, held, from } = queued;
  if (held) {
    await commitError(unit, held, error, input);
    return;
  }
  const owner = { owner: unit.dispatch?.owner ?? LOCAL_OWNER, leaseMs: unit.services.options.leaseMs };
  const patch = eagerClaim(unit, owner, row.attempt + 1);
  if (!(await unit.tx.updateStep(unit.run.id, row.key, patch, { statuses: [from] }))) {
    await settleScope(unit, row.scope, null);
    return;
  }
  const claimed: ClaimedStep = { ...row, ...patch, claimedFrom: 'pending' };
  emit(unit, RunEvents.stepStarted, row.key, { attempt: claimed.attempt, local: true, ...data });
  await commitError(unit, claimed, error, input);
}

/** Lease owner of a failed local step when no worker committed the unit (the lease ends with the unit). */
const LOCAL_OWNER = 'local';

async function runNode(unit: Unit, local: LocalSteps, def: CompiledStep, row: StepRecord, input: unknown) {
  const node = local.nodes.get(def.uses ?? '');
  if (!node) throw new AtomError('ATOM_ERR_NODE_UNKNOWN', `node type "${def.uses}" is not installed`);
  const { run } = unit;
  const ctx: NodeContext = {
    input: checkedInput(node, input, row.key),
    run: { id: run.id, workflow: run.workflowName, version: run.version },
    step: { key: row.key, id: def.id, attempt: row.attempt, idempotencyKey: `${run.id}/${row.key}` },
    signal: NEVER_ABORTED,
    now: () => unit.now,
    log: (level, message, data) =>
      local.log(level, message, { runId: run.id, step: row.key, ...(data === undefined ? {} : { data }) }),
    resume: null,
  };
  const outcome = await node.run(ctx);
  if (outcome.type !== 'output') {
    throw new AtomError('ATOM_ERR_INTERNAL', `node "${node.type}" is local and cannot suspend a step`);
  }
  return outcome.output;
}
