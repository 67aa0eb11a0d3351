/**
 * Node types used only by tests, declared with the same kit as the built-ins: a node that fails
 * a given number of times, one that takes real time, one that returns a payload of a given size,
 * one that counts its calls.
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

/** How many times `test.count` ran, per `name`, in this process; tests clear it when they start. */
export const callCounts = new Map<string, number>();

export const countNode = defineNode({
  type: 'test.count',
  version: 1,
  title: 'Count calls',
  description: 'Counts its calls per `name` (callCounts); fails, not retryable, on the calls listed in `failOn`.',
  input: z.object({ name: z.string(), failOn: z.array(z.number().int()).optional(), value: z.unknown().optional() }),
  run: async (ctx) => {
    const { name, failOn, value } = ctx.input;
    const call = (callCounts.get(name) ?? 0) + 1;
    callCounts.set(name, call);
    if (failOn?.includes(call)) {
      throw new AtomError('ATOM_ERR_STEP_FAILED', `${name} failed on call ${call}, on purpose`, { retryable: false });
    }
    return { name, call, value: value ?? null };
  },
});

export const testNodes = [flakyNode, sleepNode, bigNode, countNode];
