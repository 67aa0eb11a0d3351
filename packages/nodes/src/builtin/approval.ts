import { AtomError } from '@atom/errors';
import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';
import { durationMs, durationSchema } from '../kit/duration-schema.js';
import { suspend } from '../kit/suspend.js';
import { unexpectedResume } from './unexpected-resume.js';

/**
 * `approval`: parks the run until a person approves or rejects the step (Engine.decideApproval,
 * behind the API's approve/reject routes), or its timeout passes. No worker waits meanwhile.
 */
export const approvalNode = defineNode({
  type: 'approval',
  version: 1,
  copiesInput: true,
  title: 'Ask for approval',
  description:
    'Waits until an approver approves (the output says who and when) or rejects (the step fails with ATOM_ERR_APPROVAL_REJECTED).',
  input: z.strictObject({
    approvers: z
      .array(z.email())
      .optional()
      .describe('E-mail addresses of the people who may decide (compared without case); anyone when empty or absent.'),
    message: z.string().optional().describe('What the approvers are asked, shown to them with the request.'),
    timeout: durationSchema('Fail with ATOM_ERR_APPROVAL_TIMEOUT when nobody decided within this').optional(),
  }),
  run: async (ctx) => {
    const { approvers, message, timeout } = ctx.input;
    const resume = ctx.resume;
    if (!resume) {
      return suspend({
        kind: 'approval',
        approvers: approvers ?? [],
        message: message ?? null,
        timeoutAt: timeout === undefined ? null : ctx.now() + durationMs(timeout),
      });
    }
    if (resume.reason === 'timer') {
      throw new AtomError('ATOM_ERR_APPROVAL_TIMEOUT', `nobody decided step ${ctx.step.key} within ${timeout}`, {
        retryable: false,
      });
    }
    if (resume.reason !== 'approval') throw unexpectedResume('approval', resume);
    const { by, comment } = resume;
    const at = new Date(resume.at).toISOString();
    if (resume.decision === 'approved') return { approved: true, by, comment, at };
    // Not retryable: a new attempt would not change the approver's mind. `onError: continue` lets
    // the workflow branch on `$steps.<id>.status = 'failed'`.
    throw new AtomError(
      'ATOM_ERR_APPROVAL_REJECTED',
      `${by} rejected step ${ctx.step.key}${comment === null ? '' : `: ${comment}`}`,
      { retryable: false, data: { by, comment, at } },
    );
  },
});
