/**
 * Deciding an `approval` step (DESIGN §3 "Waiting", §5 approve/reject). The decision is checked and
 * committed in one unit, by compare-and-set on the step's `waiting` status: of two decisions that
 * race, exactly one wakes the step; the other finds it no longer pending. The node itself turns the
 * decision into the step's output or error when the woken step runs.
 */
import { AtomError } from '@atom/errors';
import type { ResumeInfo, StepRecord, WaitInfo } from '../ports/store-port.js';
import type { ControlDeps } from './control-deps.js';
import { RunEvents } from './event-types.js';
import { redact, secretValues } from './redact.js';
import { emit, type Unit } from './unit.js';

/** What an approver says; `by` is who (an e-mail address when the step lists approvers). */
export interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  by: string;
  comment?: string;
}

/** The decision as recorded (the step's `resume`, handed to the node when it runs again). */
export type ApprovalResume = Extract<ResumeInfo, { reason: 'approval' }>;

/** Why a decision did not apply. */
type ApprovalRefusal = 'not-pending' | 'not-allowed';

export async function decideApproval(
  deps: ControlDeps,
  runId: string,
  stepKey: string,
  decision: ApprovalDecision,
): Promise<ApprovalResume> {
  const run = await deps.store.getRun(runId);
  if (!run) throw new AtomError('ATOM_ERR_RUN_NOT_FOUND', `no run has id ${runId}`);
  const by = decision.by.trim();
  if (by === '') throw new AtomError('ATOM_ERR_APPROVAL_NOT_ALLOWED', 'a decision must say who made it (`by`)');
  const hidden = secretValues((await deps.services.secrets(run.workspaceId)).secrets);
  const comment = decision.comment === undefined ? null : redact(decision.comment, hidden);
  const wf = await deps.workflow(run.workflowId, run.version);
  // Stays not-pending when the unit does not run at all (the run has ended).
  const decided: { result: ApprovalResume | ApprovalRefusal } = { result: 'not-pending' };
  await deps.commit(run.id, wf, async (unit) => {
    decided.result = await commitDecision(unit, stepKey, { decision: decision.decision, by, comment });
  });
  const result = decided.result;
  if (result === 'not-allowed') {
    throw new AtomError('ATOM_ERR_APPROVAL_NOT_ALLOWED', `${by} is not an approver of step ${stepKey}`);
  }
  if (result === 'not-pending') {
    throw new AtomError('ATOM_ERR_APPROVAL_NOT_PENDING', `step ${stepKey} of run ${runId} awaits no decision`);
  }
  return result;
}

/** Approvers are e-mail addresses, compared without regard to case or surrounding spaces. */
export function sameApprover(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whether `row` is an approval still open for decisions at `now` (its timeout has not passed). */
function pendingApproval(row: StepRecord | undefined, now: number): row is StepRecord & { wait: ApprovalWait } {
  if (row?.status !== 'waiting' || row.wait?.kind !== 'approval') return false;
  return row.wait.timeoutAt === null || row.wait.timeoutAt > now;
}

type ApprovalWait = Extract<WaitInfo, { kind: 'approval' }>;

/**
 * Inside a unit: checks the step and commits the decision (taken at the unit's time); returns the
 * recorded decision, or why it was refused.
 */
async function commitDecision(
  unit: Unit,
  stepKey: string,
  decision: Omit<ApprovalResume, 'reason' | 'at'>,
): Promise<ApprovalResume | ApprovalRefusal> {
  const { tx, run, now } = unit;
  const [row] = await tx.getSteps(run.id, [stepKey]);
  if (!pendingApproval(row, now)) return 'not-pending';
  const { approvers } = row.wait;
  if (approvers.length > 0 && !approvers.some((one) => sameApprover(one, decision.by))) return 'not-allowed';
  const resume: ApprovalResume = { reason: 'approval', ...decision, at: now };
  const woke = await tx.updateStep(
    run.id,
    stepKey,
    { status: 'ready', dueAt: now, resume, wait: null, updatedAt: now },
    { statuses: ['waiting'] },
  );
  if (!woke) return 'not-pending';
  unit.startedSomething = true;
  emit(unit, RunEvents.stepApprovalDecided, stepKey, {
    decision: resume.decision,
    by: resume.by,
    comment: resume.comment,
  });
  return resume;
}
