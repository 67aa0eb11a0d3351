/**
 * Runs one claimed step outside any transaction (evaluating its expressions, calling its node
 * under a timeout), then records the outcome in one unit. Nothing here writes directly: every
 * change goes through the guarded commits of step-commits.ts.
 */
import { AtomError, type ErrorRecord } from '@atom/errors';
import {
  assertNesting,
  type CompiledStep,
  type CompiledTemplate,
  type CompiledWorkflow,
  canonicalHash,
} from '@atom/spec';
import { newId } from '../ids.js';
import type { NodeContext, NodeDefinition, NodeOutcome, NodeRegistry } from '../ports/node-registry.js';
import type { StepCachePort } from '../ports/step-cache-port.js';
import type { ClaimedStep, RunRecord, StorePort } from '../ports/store-port.js';
import { buildBindings, refsWithSelf, type StepBindings, type StepReader, withSecrets } from './bindings.js';
import type { EagerDispatch } from './dispatch.js';
import { evaluate, evaluateIf } from './expressions.js';
import { isLocalStep, type LocalOffer, queueClaimed } from './local-step.js';
import { redact, redactError, secretValues } from './redact.js';
import { validateRunInputs } from './run-inputs.js';
import {
  type Announcement,
  type ChildRunPlan,
  commitError,
  commitExpand,
  commitSkip,
  commitSuccess,
  commitSuspend,
} from './step-commits.js';
import {
  assertStorableInput,
  type EngineServices,
  errorOf,
  keptInput,
  loadOutput,
  type SecretScope,
  storableOutput,
  type Unit,
} from './unit.js';

export type StepLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  data: Record<string, unknown>,
) => void;

export interface ExecutorDeps {
  store: StorePort;
  /** `cache:` outputs (the store, or a shared cache in front of it). */
  cache: StepCachePort;
  /** Reads step rows for expressions (from the output memo when it can). */
  readSteps: StepReader;
  services: EngineServices;
  nodes: NodeRegistry;
  now: () => number;
  /** Compiled workflow of a stored version, cached. */
  workflow(workflowId: string, version: number): Promise<CompiledWorkflow>;
  /** Resolves a `workflow.call` target by name and optional version, in the calling run's workspace. */
  workflowByName(
    name: string,
    version: number | null,
    workspaceId: string,
  ): Promise<{ workflowId: string; version: number; wf: CompiledWorkflow }>;
  /**
   * Runs `fn` as one unit on the run; does nothing if the run has ended meanwhile. `dispatch` lets
   * the unit hand the next steps to the same worker, `local` lets it run local steps itself.
   */
  commit(
    runId: string,
    wf: CompiledWorkflow,
    fn: (unit: Unit) => Promise<unknown>,
    dispatch: EagerDispatch | null,
    local: LocalOffer | null,
  ): Promise<void>;
  /**
   * Last resort when a failure cannot be recorded the normal way (the workflow no longer compiles,
   * a unit keeps throwing): fails the step and its run without the workflow's definition.
   */
  abandon(run: RunRecord, claimed: ClaimedStep, error: ErrorRecord): Promise<void>;
  log: StepLog;
}

export async function executeStep(
  deps: ExecutorDeps,
  run: RunRecord,
  claimed: ClaimedStep,
  signal: AbortSignal,
  dispatch: EagerDispatch | null,
): Promise<void> {
  let wf: CompiledWorkflow | undefined;
  let scope: SecretScope | undefined;
  let input: unknown = null;
  let local: LocalOffer | null = null;
  try {
    wf = await deps.workflow(run.workflowId, run.version);
    scope = await deps.services.secrets(run.workspaceId);
    const hidden = secretValues(scope.secrets);
    local = { nodes: deps.nodes, scope, hidden, log: deps.log };
    const def = wf.steps.get(claimed.stepId);
    if (!def) throw new AtomError('ATOM_ERR_INTERNAL', `workflow ${wf.name} has no step ${claimed.stepId}`);
    const read = deps.readSteps;
    if (claimed.resume === null && isLocalStep(wf, deps.nodes, claimed.stepId, claimed.kind)) {
      // A local node: evaluated and recorded inside its unit (local-step.ts), errors included.
      await deps.commit(run.id, wf, async (unit) => queueClaimed(unit, claimed), dispatch, local);
      return;
    }
    if (claimed.kind === 'compensation') {
      const compensate = def.compensate;
      if (!compensate) throw new AtomError('ATOM_ERR_INTERNAL', `step ${def.id} has no compensate action`);
      const bindings = await buildBindings(deps.services, read, {
        wf,
        run,
        key: claimed.target ?? def.id,
        refs: refsWithSelf(def),
        attempt: claimed.attempt,
        vars: scope.vars,
      });
      input = await evaluate(deps.services, compensate.with, withSecrets(bindings, scope.secrets));
      const type = compensate.uses;
      await runNode(deps, { run, wf, def, claimed, type, input, bindings: null, signal, dispatch, local, hidden });
      return;
    }
    const bindings = await buildBindings(deps.services, read, {
      wf,
      run,
      key: claimed.key,
      refs: def.refs,
      attempt: claimed.attempt,
      vars: scope.vars,
    });
    if (claimed.kind === 'step' && def.if && claimed.resume === null) {
      if (!(await evaluateIf(deps.services, def.if, bindings))) {
        await deps.commit(run.id, wf, (unit) => commitSkip(unit, claimed), dispatch, local);
        return;
      }
    }
    if (claimed.kind === 'step' && def.foreach) {
      const items = await foreachItems(deps.services, def, def.foreach, bindings);
      await deps.commit(run.id, wf, (unit) => commitExpand(unit, claimed, items), dispatch, local);
      return;
    }
    if (def.children) {
      await deps.commit(run.id, wf, (unit) => commitExpand(unit, claimed, null), dispatch, local);
      return;
    }
    input = await evaluate(deps.services, def.with, withSecrets(bindings, scope.secrets));
    assertStorableInput(claimed.key, input);
    const type = def.uses ?? '';
    await runNode(deps, { run, wf, def, claimed, type, input, bindings, signal, dispatch, local, hidden });
  } catch (error) {
    if (isStoreTrouble(error, deps, run, claimed)) return;
    const secrets = secretValues((scope ?? (await deps.services.secrets(run.workspaceId))).secrets);
    const record = redactError(errorOf(error), secrets);
    try {
      if (!wf) throw error;
      const definition = wf;
      await deps.commit(
        run.id,
        definition,
        (unit) => commitError(unit, claimed, record, redact(keptInput(input), secrets)),
        dispatch,
        local,
      );
    } catch (unrecordable) {
      if (isStoreTrouble(unrecordable, deps, run, claimed)) return;
      const cause = errorOf(unrecordable);
      deps.log('error', `step ${claimed.key} failed and could not be recorded: ${cause.message}`, {
        runId: run.id,
        step: claimed.key,
      });
      await deps.abandon(run, claimed, redactError(cause.code === 'ATOM_ERR_INTERNAL' ? record : cause, secrets));
    }
  }
}

/**
 * The store was unavailable (busy past its timeout, connection lost): that says nothing about the
 * step, so nothing is recorded; its lease expires and it runs again (at-least-once, DESIGN §4).
 */
function isStoreTrouble(error: unknown, deps: ExecutorDeps, run: RunRecord, claimed: ClaimedStep): boolean {
  if (!(error instanceof AtomError) || error.code !== 'ATOM_ERR_STORE_BUSY') return false;
  deps.log('warn', `step ${claimed.key}: store unavailable (${error.message}); it runs again after its lease`, {
    runId: run.id,
    step: claimed.key,
  });
  return true;
}

async function foreachItems(
  services: EngineServices,
  def: CompiledStep,
  template: CompiledTemplate,
  bindings: StepBindings,
): Promise<unknown[]> {
  const items = await evaluate(services, template, bindings);
  if (!Array.isArray(items)) {
    throw new AtomError('ATOM_ERR_FOREACH_ITEMS', `foreach of step ${def.id} gave ${typeof items}, not an array`);
  }
  if (items.length > services.options.maxForeachItems) {
    throw new AtomError(
      'ATOM_ERR_FOREACH_ITEMS',
      `foreach of step ${def.id} gave ${items.length} items; the limit is ${services.options.maxForeachItems}`,
    );
  }
  return items;
}

interface NodeCall {
  run: RunRecord;
  wf: CompiledWorkflow;
  def: CompiledStep;
  claimed: ClaimedStep;
  type: string;
  input: unknown;
  /** Bindings for the step's `output` expression; null for compensations (no reshaping). */
  bindings: StepBindings | null;
  signal: AbortSignal;
  dispatch: EagerDispatch | null;
  local: LocalOffer | null;
  /** Secret values, replaced by [redacted] in what is stored. */
  hidden: string[];
}

async function runNode(deps: ExecutorDeps, call: NodeCall): Promise<void> {
  const { run, wf, def, claimed } = call;
  const node = deps.nodes.get(call.type);
  if (!node) throw new AtomError('ATOM_ERR_NODE_UNKNOWN', `node type "${call.type}" is not installed`);
  const parsed = checkedInput(node, call.input, claimed.key);
  const caching = def.cache !== null && claimed.kind !== 'compensation' && claimed.resume === null;
  let cacheKey = '';
  if (caching && def.cache) {
    const keyValue =
      def.cache.key && call.bindings ? await evaluate(deps.services, def.cache.key, call.bindings) : call.input;
    cacheKey = canonicalHash([call.type, def.connection, keyValue]);
    const hit = await deps.cache.cacheGet(cacheKey, deps.now());
    await deps.cache.cacheCount(call.type, hit ? 'hit' : 'miss');
    if (hit) {
      const output = redact(await finalOutput(deps, call, hit.value), call.hidden);
      const stored = redact(call.input, call.hidden);
      const announcement = await announce(deps, call, node.outputEvent, hit.value);
      await deps.commit(
        run.id,
        wf,
        (unit) => commitSuccess(unit, claimed, stored, output, { cached: true }, announcement),
        call.dispatch,
        call.local,
      );
      return;
    }
  }
  const outcome = await invoke(deps, call, node.run, parsed);
  if (outcome.type === 'output') {
    // Before redaction, caching and JSON, which all recurse (a parsed API answer can be any depth).
    assertNesting(outcome.output, deps.services.options.maxNesting, `the output of step ${claimed.key}`, ['output']);
  }
  if (outcome.type === 'suspend') {
    let child: ChildRunPlan | null = null;
    if (outcome.suspension.kind === 'child') {
      const target = await deps.workflowByName(
        outcome.suspension.workflow,
        outcome.suspension.version,
        run.workspaceId,
      );
      validateRunInputs(target.wf, outcome.suspension.inputs ?? {});
      child = { id: newId(deps.now()), ...target, inputs: outcome.suspension.inputs ?? {} };
    }
    const suspension = outcome.suspension;
    const stored = redact(call.input, call.hidden);
    const suspend = (unit: Unit) => commitSuspend(unit, claimed, stored, suspension, child);
    await deps.commit(run.id, wf, suspend, call.dispatch, call.local);
    return;
  }
  if (caching && def.cache) {
    const size = JSON.stringify(outcome.output ?? null).length;
    if (size <= deps.services.options.inlineOutputBytes) {
      await deps.cache.cacheSet(cacheKey, outcome.output ?? null, deps.now() + def.cache.ttlMs);
    }
  }
  const output = redact(await finalOutput(deps, call, outcome.output), call.hidden);
  const stored = redact(call.input, call.hidden);
  const announcement = await announce(deps, call, node.outputEvent, outcome.output);
  await deps.commit(
    run.id,
    wf,
    (unit) => commitSuccess(unit, claimed, stored, output, {}, announcement),
    call.dispatch,
    call.local,
  );
}

/**
 * The run event a node announces with its raw output (before the step's `output` expression, which
 * shapes what later steps read, not what the node said): redacted and size-limited like any output.
 */
async function announce(
  deps: ExecutorDeps,
  call: NodeCall,
  type: string | undefined,
  raw: unknown,
): Promise<Announcement | null> {
  if (type === undefined) return null;
  const data = await storableOutput(deps.services, call.claimed.key, redact(raw ?? null, call.hidden));
  return { type, data };
}

/** A node that throws something else than an AtomError did not say it may be retried (ADR 0003). */
function asNodeError(error: unknown): never {
  if (error instanceof AtomError) throw error;
  throw new AtomError('ATOM_ERR_NODE_FAILED', error instanceof Error ? error.message : String(error), { cause: error });
}

/** A child run's outputs may be kept as a blob; the node gets the data itself. */
async function resumeWithData(deps: ExecutorDeps, resume: ClaimedStep['resume']): Promise<ClaimedStep['resume']> {
  if (resume?.reason !== 'child') return resume;
  return { ...resume, outputs: await loadOutput(deps.services.blobs, resume.outputs) };
}

function finalOutput(deps: ExecutorDeps, call: NodeCall, raw: unknown): Promise<unknown> {
  return reshapeOutput(deps.services, call.def, call.bindings, call.claimed.key, raw);
}

/** The node's input as its parser normalised it; a mismatch fails the step (not retryable). */
export function checkedInput(node: NodeDefinition, input: unknown, key: string): unknown {
  const parsed = node.parseInput(input);
  if (parsed.ok) return parsed.value;
  throw new AtomError('ATOM_ERR_NODE_INPUT', `step ${key}: input does not match ${node.type}`, {
    details: parsed.issues.map((issue) => ({
      path: issue.path ? `with.${issue.path}` : 'with',
      message: issue.message,
    })),
  });
}

/** Applies the step's `output` expression (none without bindings: compensations), then the size limits. */
export async function reshapeOutput(
  services: EngineServices,
  def: CompiledStep,
  bindings: StepBindings | null,
  key: string,
  raw: unknown,
): Promise<unknown> {
  let output: unknown = raw ?? null;
  if (bindings && def.output && !def.children) output = await evaluate(services, def.output, { ...bindings, output });
  return storableOutput(services, key, output);
}

/** Calls the node with the step's timeout; a timeout aborts the node's signal and is retryable. */
async function invoke(
  deps: ExecutorDeps,
  call: NodeCall,
  run: (ctx: NodeContext) => Promise<NodeOutcome>,
  input: unknown,
): Promise<NodeOutcome> {
  // One controller for the node's signal, one promise for both ways the node is stopped.
  const controller = new AbortController();
  let stop: (error: AtomError, reason: unknown) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = (error, reason) => {
      controller.abort(reason);
      reject(error);
    };
  });
  const key = call.claimed.key;
  // The node's signal says why the caller aborted; the step fails as cancelled.
  const abortFromOutside = () =>
    stop(new AtomError('ATOM_ERR_RUN_CANCELLED', `step ${key} lost its lease or was cancelled`), call.signal.reason);
  call.signal.addEventListener('abort', abortFromOutside, { once: true });
  const timer = setTimeout(() => {
    const error = new AtomError(
      'ATOM_ERR_STEP_TIMEOUT',
      `step ${key} ran past its timeout of ${call.def.timeoutMs} ms`,
    );
    stop(error, error);
  }, call.def.timeoutMs);
  const ctx: NodeContext = {
    input,
    run: { id: call.run.id, workflow: call.run.workflowName, version: call.run.version },
    step: {
      key: call.claimed.key,
      id: call.def.id,
      attempt: call.claimed.attempt,
      idempotencyKey: `${call.run.id}/${call.claimed.key}`,
    },
    signal: controller.signal,
    now: deps.now,
    // A node's log line is as public as its stored output: redacted the same way.
    log: (level, message, data) =>
      deps.log(level, redact(message, call.hidden), {
        runId: call.run.id,
        step: call.claimed.key,
        ...(data === undefined ? {} : { data: redact(data, call.hidden) }),
      }),
    resume: await resumeWithData(deps, call.claimed.resume),
  };
  try {
    return await Promise.race([run(ctx).catch(asNodeError), stopped]);
  } finally {
    clearTimeout(timer);
    call.signal.removeEventListener('abort', abortFromOutside);
  }
}
