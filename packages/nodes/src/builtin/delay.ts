import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';
import { durationMs, durationSchema } from '../kit/duration-schema.js';
import { suspend } from '../kit/suspend.js';
import { unexpectedResume } from './unexpected-resume.js';

/** `delay`: parks the run for a duration or until a date; no worker waits meanwhile. */
export const delayNode = defineNode({
  type: 'delay',
  version: 1,
  title: 'Delay',
  description: 'Waits for a duration (`for`) or until a date-time (`until`), then continues.',
  input: z
    .strictObject({
      for: durationSchema('How long to wait').optional(),
      until: z.iso.datetime({ offset: true }).optional().describe('When to continue, ISO 8601 with a time zone.'),
    })
    .refine((input) => (input.for === undefined) !== (input.until === undefined), {
      message: 'Give exactly one of `for` or `until`',
    }),
  run: async (ctx) => {
    const { for: duration, until } = ctx.input;
    if (ctx.resume) {
      if (ctx.resume.reason !== 'timer') throw unexpectedResume('delay', ctx.resume);
      // The timer's own due time is not in ResumeInfo; for `for` the wake-up time stands in for it.
      return { until: new Date(until ?? ctx.now()).toISOString() };
    }
    const now = ctx.now();
    const due = until === undefined ? now + durationMs(duration ?? 0) : Date.parse(until);
    // A moment already past does not need a round trip through the store.
    if (due <= now) return { until: new Date(due).toISOString() };
    return suspend({ kind: 'timer', until: due });
  },
});
