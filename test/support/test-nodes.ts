/**
 * Node types used only by tests, declared with the same kit as the built-ins: a node that fails
 * a given number of times, one that takes real time, one that returns a payload of a given size.
 */
import { AtomError } from '@atom/errors';
import { defineNode } from '@atom/nodes';
import { z } from 'zod';

export const flakyNode = defineNode({
  type: 'test.flaky',
  version: 1,
  title: 'Flaky',
  description: 'Fails its first `failTimes` attempts, then returns `value`.',
  input: z.object({
    failTimes: z.number().int().min(0),
    retryable: z.boolean().default(true),
    retryAfterMs: z.number().int().min(0).optional(),
    value: z.unknown().optional(),
  }),
  run: async (ctx) => {
    if (ctx.step.attempt <= ctx.input.failTimes) {
      throw new AtomError('ATOM_ERR_HTTP_STATUS', `attempt ${ctx.step.attempt} failed on purpose`, {
        retryable: ctx.input.retryable,
        ...(ctx.input.retryAfterMs === undefined ? {} : { retryAfterMs: ctx.input.retryAfterMs }),
      });
    }
    return { attempt: ctx.step.attempt, value: ctx.input.value ?? null };
  },
});

export const sleepNode = defineNode({
  type: 'test.sleep',
  version: 1,
  title: 'Sleep',
  description: 'Waits `ms` of real time (stopping early when aborted), then returns `value`.',
  input: z.object({ ms: z.number().int().min(0), value: z.unknown().optional() }),
  run: async (ctx) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ctx.input.ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return ctx.input.value ?? null;
  },
});

export const bigNode = defineNode({
  type: 'test.big',
  version: 1,
  title: 'Big output',
  description: 'Returns a string of `bytes` characters.',
  input: z.object({ bytes: z.number().int().min(0) }),
  run: async (ctx) => 'x'.repeat(ctx.input.bytes),
});

export const testNodes = [flakyNode, sleepNode, bigNode];
