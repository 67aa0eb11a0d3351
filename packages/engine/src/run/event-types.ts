/**
 * The types of entries in a run's event log (docs/engine.md lists their data). The log is the
 * run's history and, later, the source of the live stream.
 */
export const RunEvents = {
  runCreated: 'run.created',
  /** Over the concurrent-runs limit: the run waits `queued` (phase `held`) for a free slot. */
  runHeld: 'run.held',
  /** A held run got its slot; its first steps are ready. */
  runAdmitted: 'run.admitted',
  runStarted: 'run.started',
  runWaiting: 'run.waiting',
  runCompensating: 'run.compensating',
  runSucceeded: 'run.succeeded',
  runFailed: 'run.failed',
  runCancelled: 'run.cancelled',
  runReplayed: 'run.replayed',
  runResponded: 'run.responded',
  stepReady: 'step.ready',
  stepStarted: 'step.started',
  stepSucceeded: 'step.succeeded',
  stepFailed: 'step.failed',
  stepRetrying: 'step.retrying',
  stepSkipped: 'step.skipped',
  stepWaiting: 'step.waiting',
  stepWoken: 'step.woken',
  stepExpanded: 'step.expanded',
  stepCancelled: 'step.cancelled',
  stepLeaseExpired: 'step.lease_expired',
  stepApprovalRequested: 'step.approval.requested',
  stepApprovalDecided: 'step.approval.decided',
} as const;

/** The event types that end a run: it succeeded, failed or was cancelled. */
export const RUN_END_EVENTS: ReadonlySet<string> = new Set([
  RunEvents.runSucceeded,
  RunEvents.runFailed,
  RunEvents.runCancelled,
]);
