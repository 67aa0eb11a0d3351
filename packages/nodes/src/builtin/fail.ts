import { AtomError } from '@atom/errors';
import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';

/** `fail`: stops the step with the user's message; never retried. */
export const failNode = defineNode({
  type: 'fail',
  version: 1,
  copiesInput: true,
  title: 'Fail',
  description: 'Fails the step (and the run, unless onError is continue) with a message of your own.',
  input: z.strictObject({
    message: z.string().min(1).describe('Why the run stops.'),
    code: z.string().min(1).optional().describe('A code of your own, kept in the error data.'),
  }),
  run: async (ctx) => {
    const { message, code } = ctx.input;
    throw new AtomError('ATOM_ERR_STEP_FAILED', message, {
      retryable: false,
      ...(code === undefined ? {} : { data: { code } }),
    });
  },
});
