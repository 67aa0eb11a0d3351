import { AtomError } from '@atom/errors';
import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';
import { durationMs, durationSchema } from '../kit/duration-schema.js';
import { suspend } from '../kit/suspend.js';
import { unexpectedResume } from './unexpected-resume.js';

/** `wait`: parks the run until a named event (optionally filtered) arrives, or the timeout passes. */
export const waitNode = defineNode({
  type: 'wait',
  version: 1,
  title: 'Wait for an event',
  description: 'Waits until an event with this name arrives (and matches `if`); its payload is the output.',
  input: z.strictObject({
    event: z.string().min(1).describe('Name of the event to wait for, as raised by POST /api/v1/events.'),
    if: z
      .string()
      .min(1)
      .optional()
      .describe('Expression evaluated against each arriving event ($event); the step continues when it is true.'),
    timeout: durationSchema('Give up after this long').optional(),
  }),
  // `if` talks about an event that does not exist yet, so the engine stores its text and evaluates
  // it when an event arrives.
  deferredInputs: ['if'],
  run: async (ctx) => {
    const { event, if: filter, timeout } = ctx.input;
    const resume = ctx.resume;
    if (resume?.reason === 'event') return resume.payload;
    if (resume?.reason === 'timer') {
      throw new AtomError('ATOM_ERR_WAIT_TIMEOUT', `no "${event}" event arrived within ${timeout}`, {
        retryable: false,
      });
    }
    if (resume) throw unexpectedResume('wait', resume);
    return suspend({
      kind: 'event',
      name: event,
      filter: filter ?? null,
      timeoutAt: timeout === undefined ? null : ctx.now() + durationMs(timeout),
    });
  },
});
