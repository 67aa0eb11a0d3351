/**
 * Runs one claimed step outside any transaction (evaluating its expressions, calling its node
 * under a timeout), then records the outcome in one unit. Nothing here writes directly: every
 * change goes through the guarded commits of step-commits.ts.
 */
import { AtomError } from '@atom/errors';
import { type CompiledStep, type CompiledTemplate, type CompiledWorkflow, canonicalHash } from '@atom/spec';
import { newId } from '../ids.js';
import type { NodeContext, NodeOutcome, NodeRegistry } from '../ports/node-registry.js';
import type { ClaimedStep, RunRecord, StorePort } from '../ports/store-port.js';
import { buildBindings, refsWithSelf, type StepBindings, type StepReader } from './bindings.js';
import { evaluate, evaluateIf } from './expressions.js';
import {
  type ChildRunPlan,
  commitError,
  commitExpand,
  commitSkip,
  commitSuccess,
  commitSuspend,
} from './step-commits.js';
import { type EngineServices, errorOf, storableOutput, type Unit } from './unit.js';

export type StepLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  data: Record<string, unknown>,
) => void;

export interface ExecutorDeps {
  store: StorePort;
  /** Reads step rows for expressions (from the output memo when it can). */
  readSteps: StepReader;
  services: EngineServices;
  nodes: NodeRegistry;
  now: () => number;
  /** Compiled workflow of a stored version, cached. */
  workflow(workflowId: string, version: number): Promise<CompiledWorkflow>;
  /** Resolves a `workflow.call` target by name and optional version. */
  workflowByName(
    name: string,
    version: number | null,
  ): Promise<{ workflowId: string; version: number; wf: CompiledWorkflow }>;
  /** Runs `fn` as one unit on the run; does nothing if the run has ended meanwhile. */
  commit(runId: string, wf: CompiledWorkflow, fn: (unit: Unit) => Promise<unknown>): Promise<void>;
  log: StepLog;
}

export async function executeStep(
  deps: ExecutorDeps,
  run: RunRecord,
  claimed: ClaimedStep,
  signal: AbortSignal,
): Promise<void> {
  const wf = await deps.workflow(run.workflowId, run.version);
  const def = wf.steps.get(claimed.stepId);
  let input: unknown = null;
  try {
    if (!def) throw new AtomError('ATOM_ERR_INTERNAL', `workflow ${wf.name} has no step ${claimed.stepId}`);
    const read = deps.readSteps;
    if (claimed.kind === 'compensation') {
      const compensate = def.compensate;
      if (!compensate) throw new AtomError('ATOM_ERR_INTERNAL', `step ${def.id} has no compensate action`);
      const bindings = await buildBindings(deps.services, read, {
        wf,
        run,
        key: claimed.target ?? def.id,
        refs: refsWithSelf(def),
        attempt: claimed.attempt,
      });
      input = await evaluate(deps.services, compensate.with, bindings);
      await runNode(deps, { run, wf, def, claimed, type: compensate.uses, input, bindings: null, signal });
      return;
    }
    const bindings = await buildBindings(deps.services, read, {
      wf,
      run,
      key: claimed.key,
      refs: def.refs,
      attempt: claimed.attempt,
    });
    if (claimed.kind === 'step' && def.if && claimed.resume === null) {
      if (!(await evaluateIf(deps.services, def.if, bindings))) {
        await deps.commit(run.id, wf, (unit) => commitSkip(unit, claimed));
        return;
      }
    }
    if (claimed.kind === 'step' && def.foreach) {
      const items = await foreachItems(deps.services, def, def.foreach, bindings);
      await deps.commit(run.id, wf, (unit) => commitExpand(unit, claimed, items));
      return;
    }
    if (def.children) {
      await deps.commit(run.id, wf, (unit) => commitExpand(unit, claimed, null));
      return;
    }
    input = await evaluate(deps.services, def.with, bindings);
    await runNode(deps, { run, wf, def, claimed, type: def.uses ?? '', input, bindings, signal });
  } catch (error) {
    const record = errorOf(error);
    await deps.commit(run.id, wf, (unit) => commitError(unit, claimed, record, input));
  }
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
}

async function runNode(deps: ExecutorDeps, call: NodeCall): Promise<void> {
  const { run, wf, def, claimed } = call;
  const node = deps.nodes.get(call.type);
  if (!node) throw new AtomError('ATOM_ERR_NODE_UNKNOWN', `node type "${call.type}" is not installed`);
  const parsed = node.parseInput(call.input);
  if (!parsed.ok) {
    throw new AtomError('ATOM_ERR_NODE_INPUT', `step ${claimed.key}: input does not match ${call.type}`, {
      details: parsed.issues.map((issue) => ({
        path: issue.path ? `with.${issue.path}` : 'with',
        message: issue.message,
      })),
    });
  }
  const caching = def.cache !== null && claimed.kind !== 'compensation' && claimed.resume === null;
  let cacheKey = '';
  if (caching && def.cache) {
    const keyValue =
      def.cache.key && call.bindings ? await evaluate(deps.services, def.cache.key, call.bindings) : call.input;
    cacheKey = canonicalHash([call.type, def.connection, keyValue]);
    const hit = await deps.store.cacheGet(cacheKey, deps.now());
    await deps.store.cacheCount(call.type, hit ? 'hit' : 'miss');
    if (hit) {
      const output = await finalOutput(deps, call, hit.value);
      await deps.commit(run.id, wf, (unit) => commitSuccess(unit, claimed, call.input, output, { cached: true }));
      return;
    }
  }
  const outcome = await invoke(deps, call, node.run, parsed.value);
  if (outcome.type === 'suspend') {
    let child: ChildRunPlan | null = null;
    if (outcome.suspension.kind === 'child') {
      const target = await deps.workflowByName(outcome.suspension.workflow, outcome.suspension.version);
      child = { id: newId(deps.now()), ...target, inputs: outcome.suspension.inputs };
    }
    const suspension = outcome.suspension;
    await deps.commit(run.id, wf, (unit) => commitSuspend(unit, claimed, call.input, suspension, child));
    return;
  }
  if (caching && def.cache) {
    const size = JSON.stringify(outcome.output ?? null).length;
    if (size <= deps.services.options.inlineOutputBytes) {
      await deps.store.cacheSet(cacheKey, outcome.output ?? null, deps.now() + def.cache.ttlMs);
    }
  }
  const output = await finalOutput(deps, call, outcome.output);
  await deps.commit(run.id, wf, (unit) => commitSuccess(unit, claimed, call.input, output));
}

/** Applies the step's `output` expression, then the size limits. */
async function finalOutput(deps: ExecutorDeps, call: NodeCall, raw: unknown): Promise<unknown> {
  let output: unknown = raw ?? null;
  if (call.bindings && call.def.output && !call.def.children) {
    output = await evaluate(deps.services, call.def.output, { ...call.bindings, output });
  }
  return storableOutput(deps.services, call.claimed.key, output);
}

/** Calls the node with the step's timeout; a timeout aborts the node's signal and is retryable. */
async function invoke(
  deps: ExecutorDeps,
  call: NodeCall,
  run: (ctx: NodeContext) => Promise<NodeOutcome>,
  input: unknown,
): Promise<NodeOutcome> {
  const controller = new AbortController();
  const abortFromOutside = () => controller.abort(call.signal.reason);
  call.signal.addEventListener('abort', abortFromOutside, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AtomError(
        'ATOM_ERR_STEP_TIMEOUT',
        `step ${call.claimed.key} ran past its timeout of ${call.def.timeoutMs} ms`,
      );
      controller.abort(error);
      reject(error);
    }, call.def.timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    call.signal.addEventListener(
      'abort',
      () => reject(new AtomError('ATOM_ERR_RUN_CANCELLED', `step ${call.claimed.key} lost its lease or was cancelled`)),
      { once: true },
    );
  });
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
    log: (level, message, data) =>
      deps.log(level, message, { runId: call.run.id, step: call.claimed.key, ...(data === undefined ? {} : { data }) }),
    resume: call.claimed.resume,
  };
  try {
    return await Promise.race([run(ctx), timedOut, aborted]);
  } finally {
    clearTimeout(timer);
    call.signal.removeEventListener('abort', abortFromOutside);
  }
}
