import { z } from 'zod';
import { durationSchema } from './duration-schema.js';

/** `retry` of a step or of `defaults`: every field optional, merged field by field. */
export const retrySchema = z
  .strictObject({
    attempts: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Total attempts including the first; 1 means no retry. Only retryable failures are retried.'),
    backoff: z
      .enum(['fixed', 'exponential'])
      .optional()
      .describe('`fixed` waits `delay` each time; `exponential` doubles it after each attempt, up to `maxDelay`.'),
    delay: durationSchema.optional().describe('Wait before the second attempt (default 1s).'),
    maxDelay: durationSchema.optional().describe('Longest wait between attempts (default 5m).'),
    jitter: z.boolean().optional().describe('Randomise each wait so that many runs do not retry in step.'),
  })
  .meta({ id: 'Retry', description: 'How retryable failures are retried.' });

export type RetryDocument = z.infer<typeof retrySchema>;
