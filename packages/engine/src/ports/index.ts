export type { BlobPort } from './blob-port.js';
export type { ClockPort } from './clock-port.js';
export { compareFeedCursors, parseFeedCursor, resumeAfter } from './feed-cursor.js';
export type {
  InputIssue,
  JsonSchema,
  NodeContext,
  NodeDefinition,
  NodeOutcome,
  NodeRegistry,
  Suspension,
} from './node-registry.js';
export type { SecretsPort } from './secrets-port.js';
export type { StepCachePort } from './step-cache-port.js';
export type {
  AdmissionCounts,
  ClaimedStep,
  EventFeedPage,
  EventFeedQuery,
  FeedEvent,
  NewRun,
  NewRunEvent,
  NewStep,
  ResumeInfo,
  RunEvent,
  RunFilter,
  RunPatch,
  RunPhase,
  RunRecord,
  RunStatus,
  ScopeEntry,
  StepGuard,
  StepKind,
  StepPatch,
  StepRecord,
  StepStatus,
  StorePort,
  StoreTx,
  TriggerKind,
  WaitInfo,
  WorkerRecord,
  WorkflowVersionRecord,
} from './store-port.js';
export { DEFAULT_WORKSPACE_ID, TERMINAL_RUN_STATUSES, TERMINAL_STEP_STATUSES } from './store-port.js';
