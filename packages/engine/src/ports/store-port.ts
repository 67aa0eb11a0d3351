/**
 * StorePort: where runs, steps, their events and the queue of ready steps live.
 *
 * In: domain records (plain JSON-able objects, times as epoch milliseconds).
 * Out: the same records, read back exactly as written (JSON values round-trip; `undefined`
 * properties are omitted, `null` stays `null`).
 *
 * Durability rule: everything done through one `atomically` callback commits together or not
 * at all. The engine commits a step's result, the events it causes and the steps it makes
 * ready in one such unit. No connection or transaction type crosses this port: adapters own them.
 * An adapter must serialise units that touch the same run (SQLite: one writer; PostgreSQL:
 * `getRun` inside a unit takes the run row's lock).
 */
import type { ErrorRecord } from '@atom/errors';

export type RunStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus =
  | 'pending'
  | 'ready'
  | 'running'
  | 'retrying'
  | 'waiting'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled';

/**
 * The workspace of everything stored before workspaces existed, and of calls that name none. A
 * workspace id is an opaque key to the engine: a run belongs to its workflow's workspace, its child
 * runs and replays to the same one, and workflow names are unique per workspace.
 */
export const DEFAULT_WORKSPACE_ID = 'default';

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];
export const TERMINAL_STEP_STATUSES: readonly StepStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];

/** Where a run is in its life: its steps, then compensations, then onFailure steps, then ended. */
/** `held`: a `queued` run waiting for a free slot of the workspace's concurrent-runs limit (no steps yet). */
export type RunPhase = 'held' | 'main' | 'compensating' | 'on-failure' | 'ended';

/** Runs under way: admitted (queued, running or waiting, not held) and held for a free slot. */
export interface AdmissionCounts {
  active: number;
  held: number;
}

/** `step`: a step of the document; `iteration`: one item of a foreach; `compensation`: an undo action. */
export type StepKind = 'step' | 'iteration' | 'compensation';

/** What started a run; stored with it (`trigger.kind`) and filterable in `listRuns`. */
export type TriggerKind = 'manual' | 'webhook' | 'schedule' | 'event' | 'child';

export interface NewRun {
  id: string;
  /** The workspace of its workflow. */
  workspaceId: string;
  workflowId: string;
  workflowName: string;
  version: number;
  status: RunStatus;
  inputs: unknown;
  /** `{ kind: TriggerKind, … }`: a webhook's request, a schedule's fire time, a replay's origin. */
  trigger: unknown;
  parentRunId: string | null;
  parentStepKey: string | null;
  /**
   * Makes starting a run idempotent: at most one run per (workflowId, dedupeKey). Webhook deliveries
   * use `hook:<delivery id>`, schedules `schedule:<trigger>:<fire time>`; null for none.
   */
  dedupeKey: string | null;
  createdAt: number;
  /** Claim order: steps of higher-priority runs first (default 0). Written, not read back. */
  priority?: number;
  /** The workflow's `concurrency`: the run stays `queued` while that many of its runs hold a slot. Written, not read back. */
  maxConcurrent?: number | null;
}

export interface RunRecord extends NewRun {
  phase: RunPhase;
  outputs: unknown;
  error: ErrorRecord | null;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  /** Counter used to order step completions within the run (compensation runs in reverse). */
  seq: number;
}

export type RunPatch = Partial<
  Pick<RunRecord, 'status' | 'phase' | 'outputs' | 'error' | 'startedAt' | 'finishedAt' | 'updatedAt'>
>;

/**
 * What a waiting step waits for. `children`: a group or foreach waiting for its inner steps.
 * `approval`: a decision by one of `approvers` (as written in the workflow; empty means anyone);
 * like an event's, its `timeoutAt` is also the row's `dueAt`, when the timeout wakes it.
 */
export type WaitInfo =
  | { kind: 'timer'; until: number }
  | { kind: 'event'; name: string; filter: string | null; timeoutAt: number | null }
  | { kind: 'child'; runId: string }
  | { kind: 'children' }
  | { kind: 'approval'; approvers: string[]; message: string | null; timeoutAt: number | null };

/**
 * What woke a waiting step; handed to the node when it runs again. `approval`: the decision as
 * Engine.decideApproval recorded it (`at`: when, epoch ms; `by` trimmed, `comment` redacted).
 */
export type ResumeInfo =
  | { reason: 'timer' }
  | { reason: 'event'; name: string; payload: unknown }
  | {
      reason: 'child';
      runId: string;
      status: 'succeeded' | 'failed' | 'cancelled';
      outputs: unknown;
      error: ErrorRecord | null;
    }
  | { reason: 'approval'; decision: 'approved' | 'rejected'; by: string; comment: string | null; at: number };

export interface NewStep {
  runId: string;
  /** Instance path, unique in the run: `a`, `loop[2]`, `loop[2].b`, `$compensate[0]`. */
  key: string;
  /** The step's `id` in the document. */
  stepId: string;
  /** Key of the enclosing instance: '' for the run's top level, `$compensate`, `$onFailure`. */
  scope: string;
  kind: StepKind;
  /** Iteration index, or position in the compensation chain; 0 otherwise. */
  index: number;
  status: StepStatus;
  /** When a ready/retrying/waiting step may be claimed; null means not by time. */
  dueAt: number | null;
  /** The foreach item of an iteration; null otherwise. */
  item: unknown;
  /** For compensations: the key of the step being undone. */
  target: string | null;
  createdAt: number;
}

export interface StepRecord extends NewStep {
  /** Attempts started so far (0 until first claimed). */
  attempt: number;
  leaseOwner: string | null;
  leaseToken: string | null;
  leaseExpiresAt: number | null;
  /** Resolved input of the latest attempt (for people reading the run). */
  input: unknown;
  /** JSON output, or a blob reference `{ $blob, size }` for large outputs. */
  output: unknown;
  error: ErrorRecord | null;
  wait: WaitInfo | null;
  resume: ResumeInfo | null;
  /** For foreach steps: number of iterations. */
  itemCount: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Position in the run's completion order (from RunRecord.seq), set when the step succeeds. */
  completedSeq: number | null;
  updatedAt: number;
}

export type StepPatch = Partial<
  Pick<
    StepRecord,
    | 'status'
    | 'attempt'
    | 'dueAt'
    | 'leaseOwner'
    | 'leaseToken'
    | 'leaseExpiresAt'
    | 'input'
    | 'output'
    | 'error'
    | 'wait'
    | 'resume'
    | 'itemCount'
    | 'startedAt'
    | 'finishedAt'
    | 'completedSeq'
    | 'updatedAt'
  >
>;

/** A patch applies only while the row still matches the guard (compare-and-set). */
export interface StepGuard {
  statuses?: readonly StepStatus[];
  leaseToken?: string;
}

export interface NewRunEvent {
  runId: string;
  /** `run.started`, `step.succeeded`, … (see docs/engine.md). */
  type: string;
  stepKey: string | null;
  data: unknown;
  at: number;
}

export interface RunEvent extends NewRunEvent {
  /** Monotonically increasing over the whole store. */
  id: number;
}

/** An event of the log with its run's workflow: what a stream across runs delivers. */
export interface FeedEvent extends RunEvent {
  workflowId: string;
  workspaceId: string;
  /** The feed cursor just after this event: reading from it resumes after this event. */
  next: string;
}

/**
 * A read of the event feed: every event of the store (or of one run, or of one workflow's runs) in
 * one order that never changes once read. `from` and `until` are cursors the store handed out
 * (opaque strings). Cross-run order is not id order on PostgreSQL (ids are drawn before commit,
 * ADR 0009), but within one run it is. A cursor reads `<tx>:<id>` (two decimal numbers, compared
 * as a pair; `tx` is always 0 on SQLite): see `compareFeedCursors`.
 */
export interface EventFeedQuery {
  /** Read events at or after this cursor. */
  from: string;
  /** Stop before this cursor (one an earlier read returned as `next`). */
  until?: string;
  runId?: string;
  workflowId?: string;
  /** Only events of this workspace's runs. */
  workspaceId?: string;
  /** At most this many events (the page is full when it returns exactly this many). */
  limit: number;
}

export interface EventFeedPage {
  events: FeedEvent[];
  /**
   * Where the next read starts: after the last event when the page is full; otherwise `until`, or
   * the end of what has committed for good (nothing will ever appear before it).
   */
  next: string;
  /**
   * True when events have committed past `next` that are not final yet (an older transaction is
   * still running somewhere; PostgreSQL only): read again shortly, nothing will tell you.
   */
  pending: boolean;
}

/** A step the caller now holds under a lease. */
export interface ClaimedStep extends StepRecord {
  leaseToken: string;
  leaseOwner: string;
  leaseExpiresAt: number;
  /** Status before the claim: `ready`, `retrying` or `waiting` (a timer came due). */
  claimedFrom: StepStatus;
}

export interface WorkflowVersionRecord {
  workflowId: string;
  workspaceId: string;
  name: string;
  version: number;
  document: unknown;
  /**
   * The text the document was parsed from, as the user wrote it (YAML comments, key order and
   * blank lines included); null for a version stored as a JSON document, and for versions older
   * than this field. `document` is always what this text parses to.
   */
  source: string | null;
  /** Of the document alone: two versions differing only in comments have the same hash. */
  hash: string;
  createdAt: number;
}

/** A worker process in the registry; its heartbeat also says how many steps it runs. */
export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  version: string;
  startedAt: number;
  heartbeatAt: number;
  /** Steps it runs at most at once. */
  concurrency: number;
  /** Steps it ran at its last heartbeat. */
  running: number;
}

/** Runs come newest first (`createdAt` desc, then `id` desc). */
export interface RunFilter {
  /** Only runs of this workspace. */
  workspaceId?: string;
  status?: readonly RunStatus[];
  workflowName?: string;
  workflowId?: string;
  parentRunId?: string | null;
  triggerKind?: TriggerKind;
  /** Only runs created at or after this time (epoch ms). */
  createdFrom?: number;
  /** Only runs created before this time (epoch ms, exclusive: one window's end is the next one's start). */
  createdTo?: number;
  /** Only runs strictly after this one in the listing order (a page cursor). */
  after?: { createdAt: number; id: string };
  limit?: number;
}

export interface ScopeEntry {
  key: string;
  stepId: string;
  index: number;
  status: StepStatus;
  createdAt: number;
}

/** The operations available inside one atomic unit. */
export interface StoreTx {
  /** Reads the run (PostgreSQL: and locks it until the unit ends). */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /**
   * Reads several runs at once, as getRun does each (PostgreSQL: locks them, in id order); a later
   * getRun of one of them in the same unit needs no statement of its own while the run is unchanged.
   */
  getRuns(runIds: readonly string[]): Promise<RunRecord[]>;
  /**
   * Inserts the run; false (and nothing written) when `dedupeKey` is set and a run of the same
   * workflow already has it. Under concurrency exactly one of the racing units gets true.
   */
  insertRun(run: NewRun): Promise<boolean>;
  /** The run of `workflowId` holding `dedupeKey`, if any. */
  findRunByDedupeKey(workflowId: string, dedupeKey: string): Promise<RunRecord | undefined>;
  updateRun(runId: string, patch: RunPatch): Promise<void>;
  /** Increments and returns the run's completion counter. */
  nextSeq(runId: string): Promise<number>;
  getSteps(runId: string, keys: readonly string[]): Promise<StepRecord[]>;
  /**
   * Of `keys`, the steps that are `ready` for their first attempt (no `resume`) and due by `now`,
   * in the order of `keys`: what a unit may run itself instead of leaving to a claim (local steps,
   * ADR 0021). PostgreSQL locks them until the unit ends and leaves out rows another unit holds
   * (a claimer's), so the two never wait for each other.
   */
  readyAmong(runId: string, keys: readonly string[], now: number): Promise<StepRecord[]>;
  /** Steps directly inside `scope`, ordered by `index` then `key`; optionally filtered and limited. */
  listScope(
    runId: string,
    scope: string,
    options?: { statuses?: readonly StepStatus[]; limit?: number },
  ): Promise<StepRecord[]>;
  /**
   * The status of each step directly inside `scope`, ordered like listScope: the light read the
   * planner needs after every step, without the steps' inputs and outputs.
   */
  scopeStatuses(runId: string, scope: string): Promise<ScopeEntry[]>;
  /** The same light entries for the rows of `keys` that exist (any order). */
  statusesOf(runId: string, keys: readonly string[]): Promise<ScopeEntry[]>;
  /** Number of steps directly inside `scope` per status (statuses with none are omitted). */
  countScope(runId: string, scope: string): Promise<Partial<Record<StepStatus, number>>>;
  /** Every step of the run, ordered by key. */
  listRunSteps(runId: string): Promise<StepRecord[]>;
  /**
   * Steps of the run that are doing or about to do work: `ready`, `retrying`, or `running` under a
   * lease (a group waiting for its inner steps holds no lease and does not count).
   */
  countActive(runId: string): Promise<number>;
  insertSteps(steps: readonly NewStep[]): Promise<void>;
  /** Applies the patch if the row exists and matches the guard; tells whether it did. */
  updateStep(runId: string, key: string, patch: StepPatch, guard?: StepGuard): Promise<boolean>;
  /**
   * Like updateStep, but returns the row's scope entry as it is after the patch (undefined when
   * nothing matched): one statement where a read of the row and a guarded write would take two.
   */
  updateStepEntry(runId: string, key: string, patch: StepPatch, guard?: StepGuard): Promise<ScopeEntry | undefined>;
  appendEvents(events: readonly NewRunEvent[]): Promise<void>;
  /**
   * Of these runs, the `queued` ones that may not start yet: their workflow already has
   * `maxConcurrent` runs `running` or `waiting` (the first ones listed are admitted while room is
   * left). PostgreSQL holds the workflow's admission lock until the unit ends, so racing claimers
   * never both take the last slot. Called by a claim before it marks runs running.
   */
  refusedAdmissions(runIds: readonly string[]): Promise<string[]>;
  /** Runs under way, admitted and held (for the concurrent-runs limit): of one workspace, or of all. */
  admissionCounts(workspaceId?: string): Promise<AdmissionCounts>;
  /** Ids of held runs of every workspace, oldest first, at most `limit`. */
  heldRunIds(limit: number): Promise<string[]>;
}

export interface StorePort {
  /** Brings the schema to the newest version; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Runs `fn` as one atomic unit; if it throws, nothing it wrote is kept and the error is rethrown. */
  atomically<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  /**
   * Stores a workflow document as the newest version of `name` in `workspaceId` (default
   * DEFAULT_WORKSPACE_ID), with `source`, the text it was parsed from (default null: none). When
   * the newest version already has this hash and, if a source is given, this source, that version
   * is returned with `created: false` instead (so a comment-only edit of the text is a version).
   */
  putWorkflowVersion(
    name: string,
    document: unknown,
    hash: string,
    now: number,
    workspaceId?: string,
    source?: string | null,
  ): Promise<WorkflowVersionRecord & { created: boolean }>;
  /**
   * By workflow id or name; the newest version unless `version` is given. A name is looked up in
   * `workspaceId` (default DEFAULT_WORKSPACE_ID); with `workspaceId` given, an id of another
   * workspace's workflow is not found either. Without it, an id is found whatever its workspace.
   */
  getWorkflowVersion(
    idOrName: string,
    version?: number,
    workspaceId?: string,
  ): Promise<WorkflowVersionRecord | undefined>;
  /**
   * Which version getWorkflowVersion would return, without the document: the cheap check a start
   * makes before using the compiled workflow it already holds.
   */
  findWorkflowVersion(
    idOrName: string,
    version?: number,
    workspaceId?: string,
  ): Promise<{ workflowId: string; version: number } | undefined>;

  /**
   * Claims up to `limit` steps that are due (`ready`, `retrying` or `waiting` with `dueAt <= now`),
   * oldest `dueAt` first, optionally only of one run. Each claimed row becomes `running` with a new
   * lease (`leaseToken` unique per claim, `leaseExpiresAt = now + leaseMs`), `dueAt` null,
   * `startedAt` set if it was null, and `attempt + 1` unless the row is resuming (it was `waiting`,
   * or its `resume` is set). A `waiting` row claimed because its time came gets `resume = {reason:'timer'}`.
   * Two concurrent callers never claim the same row. When steps were claimed, `then` runs in the
   * same atomic unit (the engine records the claims there); if it throws, nothing is claimed.
   */
  claimDue(
    options: {
      owner: string;
      now: number;
      limit: number;
      leaseMs: number;
      runId?: string;
    },
    then?: (tx: StoreTx, claimed: ClaimedStep[]) => Promise<void>,
  ): Promise<ClaimedStep[]>;
  /** Extends the leases still held by `owner`; returns the tokens it no longer holds. */
  renewLeases(owner: string, tokens: readonly string[], expiresAt: number): Promise<string[]>;
  /**
   * Makes `running` steps whose lease expired at or before `now` (or, when `owners` is given,
   * whose lease belongs to one of them) `ready` again, due at `now`, lease cleared. Returns them as
   * they were before. Steps without a lease (groups waiting for children) are never touched.
   * When steps were released, `then` runs in the same atomic unit.
   */
  releaseLeases(
    options: { now: number; owners?: readonly string[] },
    then?: (tx: StoreTx, released: StepRecord[]) => Promise<void>,
  ): Promise<StepRecord[]>;
  /** The earliest time something becomes claimable: a `dueAt`, or a lease expiry. */
  nextDueAt(): Promise<number | undefined>;
  /**
   * Optional: calls `listener` after any process committed steps that are (or will be, by their
   * `dueAt`) claimable, and after a lost notice channel came back. Stores shared by several
   * processes (PostgreSQL LISTEN/NOTIFY) offer it so idle workers need not poll; returns the
   * unsubscribe function.
   */
  onStepsReady?(listener: () => void): () => void;
  /** Waiting steps that wait for the event `name`. */
  findEventWaiters(name: string): Promise<StepRecord[]>;

  getRun(runId: string): Promise<RunRecord | undefined>;
  /** The rows of `keys` that exist (any order); the same as StoreTx.getSteps, outside a unit. */
  getSteps(runId: string, keys: readonly string[]): Promise<StepRecord[]>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  listSteps(runId: string): Promise<StepRecord[]>;
  listEvents(runId: string, afterId?: number): Promise<RunEvent[]>;
  /** A page of the event feed (see EventFeedQuery): the stream's replay and live tail. */
  readEventFeed(query: EventFeedQuery): Promise<EventFeedPage>;
  /**
   * The feed's start for 0, or, without an argument, the feed's end now (only events that commit
   * later lie past it).
   */
  eventFeedCursor(start?: 0): Promise<string>;
  /**
   * The feed cursor just after the stored event `afterEventId`, to resume a reader that had it;
   * null when that event is no longer stored (or never was), or when retention pruning deleted
   * events of `workspaceId` that came after it in the feed: the reader cannot be given everything
   * that followed, and must be told (the stream's `reset`). 0 is the feed's start.
   */
  resumeFeedCursor(afterEventId: number, workspaceId: string): Promise<string | null>;

  cacheGet(key: string, now: number): Promise<{ value: unknown } | undefined>;
  cacheSet(key: string, value: unknown, expiresAt: number): Promise<void>;
  cacheCount(nodeType: string, outcome: 'hit' | 'miss'): Promise<void>;
  cacheStats(): Promise<Record<string, { hits: number; misses: number }>>;

  /** Writes the worker's row, or replaces it: each heartbeat is a register with the new time and load. */
  registerWorker(worker: WorkerRecord): Promise<void>;
  removeWorker(id: string): Promise<void>;
  listWorkers(): Promise<WorkerRecord[]>;
}
