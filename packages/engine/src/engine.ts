/**
 * The engine's public face: register workflows, start, cancel and signal runs, and create the
 * workers that execute them. It owns no connection: everything durable goes through StorePort.
 */
import { AtomError, type ErrorRecord } from '@atom/errors';
import {
  type CompiledTemplate,
  type CompiledWorkflow,
  compileTemplate,
  compileWorkflow,
  createNodeCatalog,
  type NodeCatalog,
  type ValidationResult,
  validateWorkflow,
} from '@atom/spec';
import { systemClock } from './clock/system-clock.js';
import type { EngineCore } from './engine-core.js';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine-options.js';
import type { BlobPort } from './ports/blob-port.js';
import type { ClockPort } from './ports/clock-port.js';
import type { NodeRegistry } from './ports/node-registry.js';
import type { SecretsPort } from './ports/secrets-port.js';
import type { StepCachePort } from './ports/step-cache-port.js';
import {
  type AdmissionCounts,
  type ClaimedStep,
  DEFAULT_WORKSPACE_ID,
  type NewRunEvent,
  type RunRecord,
  type StepRecord,
  type StorePort,
} from './ports/store-port.js';
import { type ApprovalDecision, type ApprovalResume, decideApproval } from './run/approval.js';
import { buildBindings, type StepReader } from './run/bindings.js';
import { abandonRun, cancelRunCascade } from './run/cancel.js';
import { type ClaimedLocalOutput, runClaimedLocally } from './run/claimed-local.js';
import { recordClaims, type StartedStep } from './run/claims.js';
import { CommitQueue } from './run/commit-queue.js';
import type { ControlDeps, RunAdmission } from './run/control-deps.js';
import type { EagerDispatch } from './run/dispatch.js';
import { RunEvents } from './run/event-types.js';
import { evaluateIf } from './run/expressions.js';
import { afterFailure, markFailed } from './run/failure.js';
import type { LocalOffer } from './run/local-step.js';
import { OutputMemo } from './run/output-memo.js';
import { secretValues } from './run/redact.js';
import { type ReplayOptions, replayRun } from './run/replay-run.js';
import { admitHeldRuns, type HeldRunsAdmitted, type StartRunRequest, startRun } from './run/start-run.js';
import { type ExecutorDeps, executeStep, type StepLog } from './run/step-executor.js';
import { type EngineServices, emit, errorOf, loadOutput, type SecretScope, type Unit } from './run/unit.js';
import { Worker, type WorkerOptions } from './worker/worker.js';

export interface EngineConfig {
  store: StorePort;
  /** Where `cache:` step outputs live; default the store. */
  cache?: StepCachePort;
  blobs: BlobPort;
  nodes: NodeRegistry;
  clock?: ClockPort;
  secrets?: SecretsPort;
  options?: Partial<EngineOptions>;
  /** Source of jitter; tests pass a seeded one. */
  random?: () => number;
  log?: StepLog;
}

export type { ReplayOptions, StartRunRequest };

export interface RegisteredWorkflow {
  workflowId: string;
  version: number;
  created: boolean;
  workflow: CompiledWorkflow;
}

const NO_SECRETS: SecretsPort = { vars: async () => ({}), secrets: async () => ({}) };

export class Engine implements EngineCore {
  readonly store: StorePort;
  /** Where `cache:` step outputs live (metrics read its counts). */
  readonly cache: StepCachePort;
  readonly clock: ClockPort;
  readonly options: EngineOptions;
  readonly nodes: NodeRegistry;
  readonly catalog: NodeCatalog;
  /** Where large step outputs live (data retention removes the ones no run uses any more). */
  readonly blobs: BlobPort;
  readonly #services: EngineServices;
  readonly #log: StepLog;
  readonly #listeners = new Set<(events: readonly NewRunEvent[]) => void>();
  readonly #workflows = new Map<string, CompiledWorkflow>();
  /** The workspace of each workflow id seen (ids never move between workspaces). */
  readonly #homes = new Map<string, string>();
  readonly #filters = new Map<string, CompiledTemplate>();
  readonly #commits: CommitQueue;
  readonly #memo = new OutputMemo();
  /** Workspaces whose secret scopes a claim reads first, to run their local steps (ADR 0018). */
  readonly #claimWorkspaces = new Set<string>();
  readonly #readSteps: StepReader;
  /** What step execution needs, built once (not per step). */
  readonly #executor: ExecutorDeps;
  /** What starting, replaying and deciding need. */
  readonly #control: ControlDeps;
  #admission: RunAdmission | null = null;

  constructor(config: EngineConfig) {
    this.store = config.store;
    this.cache = config.cache ?? config.store;
    this.clock = config.clock ?? systemClock;
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...config.options };
    this.nodes = config.nodes;
    this.blobs = config.blobs;
    this.#log = config.log ?? (() => {});
    const secrets = config.secrets ?? NO_SECRETS;
    this.#services = {
      blobs: config.blobs,
      options: this.options,
      random: config.random ?? Math.random,
      secrets: async (workspaceId) => ({
        vars: await secrets.vars(workspaceId),
        secrets: await secrets.secrets(workspaceId),
      }),
    };
    this.catalog = createNodeCatalog(config.nodes.list());
    this.#commits = new CommitQueue(
      this.store,
      this.#services,
      () => this.clock.now(),
      (events) => this.#publish(events),
      this.#memo,
    );
    this.#readSteps = this.#memo.reader(this.store);
    this.#control = {
      store: this.store,
      services: this.#services,
      now: () => this.clock.now(),
      workflow: (id, version) => this.workflow(id, version),
      workflowByName: (name, version, workspaceId) => this.workflowByName(name, version, workspaceId),
      commit: (runId, wf, fn) => this.commit(runId, wf, fn),
      create: (runId, fn) => this.#commits.create(runId, fn),
      publish: (events) => this.#publish(events),
      admission: () => this.#admission,
    };
    this.#executor = {
      store: this.store,
      cache: this.cache,
      readSteps: this.#readSteps,
      services: this.#services,
      nodes: this.nodes,
      now: () => this.clock.now(),
      workflow: (id, version) => this.workflow(id, version),
      workflowByName: (name, version, workspaceId) => this.workflowByName(name, version, workspaceId),
      commit: (runId, wf, fn, dispatch, local) => this.commit(runId, wf, fn, dispatch, local),
      abandon: (_run, claimed, error) => this.#abandon(claimed, error),
      log: this.#log,
    };
  }

  /** Validates a document (YAML text or a parsed value) without storing it; never throws. */
  validate(input: unknown): ValidationResult {
    return validateWorkflow(input, {
      catalog: this.catalog,
      maxSteps: this.options.maxSteps,
      maxNesting: this.options.maxNesting,
    });
  }

  /** Validates and compiles; throws ATOM_ERR_SPEC_* with every error when invalid. */
  compile(input: unknown): CompiledWorkflow {
    return compileWorkflow(input, {
      catalog: this.catalog,
      maxSteps: this.options.maxSteps,
      maxNesting: this.options.maxNesting,
    });
  }

  /**
   * Stores a document as a new immutable version (or finds the identical newest one) of the
   * workflow of its name in `workspaceId` (default DEFAULT_WORKSPACE_ID). Given as text (YAML),
   * the text is kept as the version's source, comments and all.
   */
  async registerWorkflow(input: unknown, workspaceId: string = DEFAULT_WORKSPACE_ID): Promise<RegisteredWorkflow> {
    const workflow = this.compile(input);
    const record = await this.store.putWorkflowVersion(
      workflow.name,
      workflow.document,
      workflow.hash,
      this.clock.now(),
      workspaceId,
      typeof input === 'string' ? input : null,
    );
    this.#workflows.set(`${record.workflowId}@${record.version}`, workflow);
    this.#homes.set(record.workflowId, workspaceId);
    return { workflowId: record.workflowId, version: record.version, created: record.created, workflow };
  }

  async workflow(workflowId: string, version: number): Promise<CompiledWorkflow> {
    const cacheKey = `${workflowId}@${version}`;
    const cached = this.#workflows.get(cacheKey);
    if (cached) return cached;
    const record = await this.store.getWorkflowVersion(workflowId, version);
    if (!record) {
      throw new AtomError('ATOM_ERR_WORKFLOW_NOT_FOUND', `workflow ${workflowId} has no version ${version}`);
    }
    const compiled = this.compile(record.document);
    this.#workflows.set(cacheKey, compiled);
    this.#homes.set(record.workflowId, record.workspaceId);
    return compiled;
  }

  /** A workflow of `workspaceId` by name or id (another workspace's id is not found). */
  async workflowByName(name: string, version: number | null, workspaceId: string = DEFAULT_WORKSPACE_ID) {
    // A version asked for by workflow id is immutable, and an id wins over a name equal to it: a
    // compiled copy under that key, of this workspace, is the answer without asking the store.
    const known = version === null ? undefined : this.#workflows.get(`${name}@${version}`);
    if (known && version !== null && this.#homes.get(name) === workspaceId)
      return { workflowId: name, version, wf: known };
    // Otherwise only which version: its compiled form is usually cached (the document is read on a miss).
    const record = await this.store.findWorkflowVersion(name, version ?? undefined, workspaceId);
    if (!record) {
      throw new AtomError(
        'ATOM_ERR_WORKFLOW_NOT_FOUND',
        version === null ? `no workflow is named "${name}"` : `workflow "${name}" has no version ${version}`,
      );
    }
    return {
      workflowId: record.workflowId,
      version: record.version,
      wf: await this.workflow(record.workflowId, record.version),
    };
  }

  /**
   * Sets the concurrent-runs limit new runs are admitted under (a server applies its workspace's
   * tier): a run started over it waits `queued` in phase `held` until `admitHeldRuns` starts it.
   * Child runs and replays are never held (a parent waiting for a held child would hold its slot).
   */
  setRunAdmission(admission: RunAdmission | null): void {
    this.#admission = admission;
  }

  /** Starts held runs, oldest first, into the slots the limit leaves free; how many, and how many still wait. */
  async admitHeldRuns(): Promise<HeldRunsAdmitted> {
    const admission = this.#admission;
    return admitHeldRuns(this.#control, async (workspaceId) =>
      admission ? admission.limit(workspaceId) : Number.POSITIVE_INFINITY,
    );
  }

  /** Runs under way (admitted) and held for a free slot: of one workspace, or of all. */
  admissionCounts(workspaceId?: string): Promise<AdmissionCounts> {
    return this.store.atomically((tx) => tx.admissionCounts(workspaceId));
  }

  /** Starts a run of a stored workflow; its first steps are ready at once (or it is held, see setRunAdmission). */
  async startRun(request: StartRunRequest): Promise<RunRecord> {
    return (await startRun(this.#control, request, null)).run;
  }

  /**
   * Starts a run unless a run of the same workflow already holds `dedupeKey`; then that run is
   * returned with `created: false`, and nothing is written. Concurrent calls with one key (in any
   * number of processes) create one run. Inputs are validated only when a run is created.
   *
   * @example
   * const { run, created } = await engine.startRunOnce({
   *   workflow: 'billing-sync', inputs, trigger: { kind: 'webhook', … }, dedupeKey: `hook:${deliveryId}`,
   * });
   */
  startRunOnce(request: StartRunRequest & { dedupeKey: string }): Promise<{ run: RunRecord; created: boolean }> {
    return startRun(this.#control, request, request.dedupeKey);
  }

  /**
   * Starts a new run of the workflow of `runId` with the same inputs, on `options.version` (else the
   * original's). With `fromStep` (a top-level step of that version), finished top-level steps that
   * are neither `fromStep` nor downstream of it keep their original result and do not run again
   * (docs/engine.md, "Replay"). Throws ATOM_ERR_RUN_NOT_FOUND, ATOM_ERR_WORKFLOW_NOT_FOUND (no such
   * version), ATOM_ERR_REPLAY_STEP_UNKNOWN, or ATOM_ERR_RUN_INPUT_INVALID (inputs that version refuses).
   */
  replayRun(runId: string, options: ReplayOptions = {}): Promise<RunRecord> {
    return replayRun(this.#control, runId, options);
  }

  /**
   * Decides a waiting `approval` step and returns the decision as recorded; the step then succeeds
   * (approved) or fails with ATOM_ERR_APPROVAL_REJECTED when a worker runs it. Throws
   * ATOM_ERR_RUN_NOT_FOUND, ATOM_ERR_APPROVAL_NOT_PENDING (no such step, not an approval waiting for
   * a decision, or past its timeout), ATOM_ERR_APPROVAL_NOT_ALLOWED (`by` is not one of its
   * approvers, compared without regard to case). Of racing decisions exactly one applies.
   */
  decideApproval(runId: string, stepKey: string, decision: ApprovalDecision): Promise<ApprovalResume> {
    return decideApproval(this.#control, runId, stepKey, decision);
  }

  /** Cancels a run from any state; false when it had already ended. */
  async cancelRun(runId: string, reason = 'cancelled by request'): Promise<boolean> {
    const events: NewRunEvent[] = [];
    const run = await this.store.getRun(runId);
    if (!run) throw new AtomError('ATOM_ERR_RUN_NOT_FOUND', `no run has id ${runId}`);
    const done = await this.store.atomically(async (tx) => {
      const cancelled = await cancelRunCascade(tx, runId, this.clock.now(), events, { reason });
      await tx.appendEvents(events);
      return cancelled;
    });
    this.#publish(events);
    return done;
  }

  /**
   * Raises an event in a workspace (default DEFAULT_WORKSPACE_ID); wakes every `wait` step of its
   * runs waiting for it whose filter matches. Returns how many.
   * A filter that fails fails its own step only; a wait whose timeout has passed is not woken (its
   * timeout wins, even if no worker has claimed it yet).
   */
  async raiseEvent(name: string, payload: unknown, workspaceId: string = DEFAULT_WORKSPACE_ID): Promise<number> {
    let woken = 0;
    for (const waiter of await this.store.findEventWaiters(name)) {
      if (waiter.wait?.kind !== 'event') continue;
      if (waiter.wait.timeoutAt !== null && waiter.wait.timeoutAt <= this.clock.now()) continue;
      const run = await this.store.getRun(waiter.runId);
      // An event is raised in one workspace; another workspace's waits never hear it.
      if (!run || run.workspaceId !== workspaceId) continue;
      const wf = await this.workflow(run.workflowId, run.version);
      let matches = true;
      try {
        if (waiter.wait.filter) matches = await this.#matches(wf, run, waiter, waiter.wait.filter, payload);
      } catch (error) {
        await this.#failWaiter(wf, waiter, errorOf(error));
        continue;
      }
      if (!matches) continue;
      let changed = false;
      await this.commit(run.id, wf, async (unit) => {
        changed = await unit.tx.updateStep(
          run.id,
          waiter.key,
          {
            status: 'ready',
            dueAt: unit.now,
            resume: { reason: 'event', name, payload },
            wait: null,
            updatedAt: unit.now,
          },
          { statuses: ['waiting'] },
        );
        if (changed) emit(unit, RunEvents.stepWoken, waiter.key, { event: name });
      });
      if (changed) woken++;
    }
    return woken;
  }

  async #matches(wf: CompiledWorkflow, run: RunRecord, waiter: StepRecord, filter: string, payload: unknown) {
    const def = wf.steps.get(waiter.stepId);
    const bindings = await buildBindings(this.#services, this.#readSteps, {
      wf,
      run,
      key: waiter.key,
      refs: def?.refs ?? [],
      attempt: waiter.attempt,
    });
    return evaluateIf(this.#services, this.#filter(filter, waiter.key), { ...bindings, event: payload });
  }

  /** A wait whose filter cannot be evaluated fails (like any expression error), alone. */
  async #failWaiter(wf: CompiledWorkflow, waiter: StepRecord, error: ErrorRecord): Promise<void> {
    await this.commit(waiter.runId, wf, async (unit) => {
      const [row] = await unit.tx.getSteps(waiter.runId, [waiter.key]);
      if (row?.status !== 'waiting') return;
      if (await markFailed(unit, row, error, { statuses: ['waiting'] })) await afterFailure(unit, row, error);
    });
  }

  #filter(text: string, key: string): CompiledTemplate {
    let compiled = this.#filters.get(text);
    if (!compiled) {
      compiled = compileTemplate(text, `${key}.with.if`);
      this.#filters.set(text, compiled);
    }
    return compiled;
  }

  /** Reads a stored output back, following a blob reference for large ones. */
  loadValue(value: unknown): Promise<unknown> {
    return loadOutput(this.#services.blobs, value);
  }

  createWorker(options: WorkerOptions): Worker {
    return new Worker(this, options);
  }

  onEvents(listener: (events: readonly NewRunEvent[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #publish(events: readonly NewRunEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch (error) {
        this.#log('error', 'an event listener threw', { error: String(error) });
      }
    }
  }

  /** Runs `fn` as one unit on a run that has not ended (group-committed with others); tells listeners. */
  commit(
    runId: string,
    wf: CompiledWorkflow,
    fn: (unit: Unit) => Promise<unknown>,
    dispatch: EagerDispatch | null = null,
    local: LocalOffer | null = null,
  ): Promise<void> {
    return this.#commits.commit(runId, wf, fn, dispatch, local);
  }

  /**
   * Claims due steps for `owner` and records their start in the same unit, where the claimed steps
   * of local nodes also run (ADR 0018); returns the steps left for the worker. Should the local work
   * throw (a bug: node errors are recorded as step failures), the claim is rolled back and made
   * again without it.
   */
  async claim(options: {
    owner: string;
    now: number;
    limit: number;
    leaseMs: number;
  }): Promise<{ started: StartedStep[]; claimed: number }> {
    // Read before the unit (reading them inside it could wait for the store the unit holds), for
    // the workspaces of recent claims; the local steps of other workspaces' runs go to the worker.
    const scopes = new Map<string, SecretScope>();
    for (const workspaceId of this.#claimWorkspaces) {
      // A scope that cannot be read now only sends that workspace's local steps to the worker.
      const scope = await this.#services.secrets(workspaceId).catch(() => undefined);
      if (scope) scopes.set(workspaceId, scope);
    }
    try {
      return await this.#claim(options, scopes);
    } catch (error) {
      if (!(error instanceof LocalClaimError)) throw error;
      this.#log('error', 'running claimed local steps failed; claiming them for the worker', {
        error: String(error.cause),
      });
      return this.#claim(options, null);
    }
  }

  /** Remembers a workspace whose runs' local steps claims should run (the last few seen). */
  #noteClaimWorkspace(workspaceId: string): void {
    this.#claimWorkspaces.add(workspaceId);
    if (this.#claimWorkspaces.size > CLAIM_WORKSPACES) {
      const oldest = this.#claimWorkspaces.values().next().value;
      if (oldest !== undefined) this.#claimWorkspaces.delete(oldest);
    }
  }

  async #claim(
    options: { owner: string; now: number; limit: number; leaseMs: number },
    scopes: Map<string, SecretScope> | null,
  ): Promise<{ started: StartedStep[]; claimed: number }> {
    const events: NewRunEvent[] = [];
    const out: ClaimedLocalOutput = { events: [], succeeded: [] };
    let started: StartedStep[] = [];
    const claimedRows = await this.store.claimDue(options, async (tx, claimed) => {
      started = await recordClaims(tx, claimed, options.now, events);
      if (scopes !== null && started.length > 0) {
        const deps = {
          services: this.#services,
          nodes: this.nodes,
          offerFor: (workspaceId: string) => {
            const scope = scopes.get(workspaceId);
            if (!scope) this.#noteClaimWorkspace(workspaceId);
            return scope && { nodes: this.nodes, scope, hidden: secretValues(scope.secrets), log: this.#log };
          },
          now: options.now,
          cachedWorkflow: (id: string, version: number) => this.#workflows.get(`${id}@${version}`),
        };
        try {
          started = await runClaimedLocally(tx, started, deps, out);
        } catch (error) {
          throw new LocalClaimError(error);
        }
        events.push(...out.events);
      }
      if (events.length > 0) await tx.appendEvents(events);
    });
    for (const { runId, row } of out.succeeded) this.#memo.remember(runId, row);
    this.#publish(events);
    return { started, claimed: claimedRows.length };
  }

  execute(run: RunRecord, step: ClaimedStep, signal: AbortSignal, dispatch: EagerDispatch | null): Promise<void> {
    return executeStep(this.#executor, run, step, signal, dispatch);
  }

  async #abandon(claimed: ClaimedStep, error: ErrorRecord): Promise<void> {
    const events: NewRunEvent[] = [];
    await this.store.atomically(async (tx) => {
      await abandonRun(tx, claimed, error, this.clock.now(), events);
      if (events.length > 0) await tx.appendEvents(events);
    });
    this.#publish(events);
  }

  async releaseLeases(options: { now: number; owners?: readonly string[] }): Promise<number> {
    const events: NewRunEvent[] = [];
    const released = await this.store.releaseLeases(options, async (tx, rows) => {
      for (const row of rows) {
        events.push({
          runId: row.runId,
          type: RunEvents.stepLeaseExpired,
          stepKey: row.key,
          data: { owner: row.leaseOwner, attempt: row.attempt },
          at: options.now,
        });
      }
      await tx.appendEvents(events);
    });
    this.#publish(events);
    return released.length;
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data: Record<string, unknown>): void {
    this.#log(level, message, data);
  }
}

/** How many workspaces' scopes a claim reads at most before it claims. */
const CLAIM_WORKSPACES = 8;

/** The local work of a claim threw: the claim is rolled back and made again without it. */
class LocalClaimError extends Error {
  constructor(cause: unknown) {
    super('running claimed local steps failed', { cause });
  }
}
