/**
 * @atom/engine: the durable execution core. It imports only its ports (./ports), @atom/spec and
 * @atom/errors; adapters are wired in by the program that uses it (apps/atom).
 */

export { systemClock } from './clock/system-clock.js';
export { VirtualClock } from './clock/virtual-clock.js';
export {
  Engine,
  type EngineConfig,
  type RegisteredWorkflow,
  type ReplayOptions,
  type StartRunRequest,
} from './engine.js';
export { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine-options.js';
export { newId } from './ids.js';
export type {
  AdmissionCounts,
  BlobPort,
  ClaimedStep,
  ClockPort,
  EventFeedPage,
  EventFeedQuery,
  FeedEvent,
  InputIssue,
  JsonSchema,
  NewRun,
  NewRunEvent,
  NewStep,
  NodeContext,
  NodeDefinition,
  NodeOutcome,
  NodeRegistry,
  ResumeInfo,
  RunEvent,
  RunFilter,
  RunPatch,
  RunPhase,
  RunRecord,
  RunStatus,
  ScopeEntry,
  SecretsPort,
  StepCachePort,
  StepGuard,
  StepKind,
  StepPatch,
  StepRecord,
  StepStatus,
  StorePort,
  StoreTx,
  Suspension,
  TriggerKind,
  WaitInfo,
  WorkerRecord,
  WorkflowVersionRecord,
} from './ports/index.js';
export {
  compareFeedCursors,
  DEFAULT_WORKSPACE_ID,
  parseFeedCursor,
  resumeAfter,
  TERMINAL_RUN_STATUSES,
  TERMINAL_STEP_STATUSES,
} from './ports/index.js';
export type { ApprovalDecision, ApprovalResume } from './run/approval.js';
export type { RunAdmission } from './run/control-deps.js';
export { RUN_END_EVENTS, RunEvents } from './run/event-types.js';
export { REDACTED, redact, redactText, secretForms } from './run/redact.js';
export type { StepLog } from './run/step-executor.js';
export { type RunLoopOptions, Worker, type WorkerOptions, type WorkerRegistration } from './worker/worker.js';
