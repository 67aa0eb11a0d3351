import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nodeContext } from '../test-support/node-context.js';
import { defineNode } from './define-node.js';
import { suspend } from './suspend.js';

const greet = defineNode({
  type: 'demo.greet',
  version: 2,
  title: 'Greet',
  description: 'Says hello.',
  input: z.strictObject({
    name: z.string().describe('Who to greet.'),
    tags: z.array(z.object({ label: z.string() })).optional(),
    shout: z.boolean().default(false),
    filter: z.string().optional(),
  }),
  deferredInputs: ['filter'],
  run: async (ctx) => {
    if (ctx.input.name === 'nobody') return undefined;
    if (ctx.input.name === 'later') return suspend({ kind: 'timer', until: ctx.now() + 1000 });
    const text = `Hello ${ctx.input.name}`;
    return { text: ctx.input.shout ? text.toUpperCase() : text };
  },
});

describe('defineNode', () => {
  it('describes the node and its input as JSON Schema draft 2020-12', () => {
    expect(greet).toMatchObject({ type: 'demo.greet', version: 2, title: 'Greet', deferredInputs: ['filter'] });
    expect(greet.inputSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Who to greet.' },
        shout: { type: 'boolean', default: false },
      },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('parses input and applies defaults', () => {
    expect(greet.parseInput({ name: 'Ada' })).toEqual({ ok: true, value: { name: 'Ada', shout: false } });
  });

  it('reports issues with their path inside `with`', () => {
    const result = greet.parseInput({ name: 3, tags: [{ label: 'a' }, { label: 1 }], extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: 'name', message: 'Invalid input: expected string, received number' },
      { path: 'tags[1].label', message: 'Invalid input: expected string, received number' },
      { path: 'extra', message: 'Unknown field' },
    ]);
  });

  it('reports a non-object input at the empty path', () => {
    const result = greet.parseInput('hello');
    expect(result).toEqual({ ok: false, issues: [{ path: '', message: expect.stringContaining('expected object') }] });
  });

  it('turns a plain return value into an output and undefined into null', async () => {
    const parsed = greet.parseInput({ name: 'Ada', shout: true });
    if (!parsed.ok) throw new Error('parse failed');
    expect(await greet.run(nodeContext(parsed.value).ctx)).toEqual({ type: 'output', output: { text: 'HELLO ADA' } });
    expect(await greet.run(nodeContext({ name: 'nobody', shout: false }).ctx)).toEqual({
      type: 'output',
      output: null,
    });
  });

  it('turns suspend(...) into a suspension', async () => {
    const { ctx } = nodeContext({ name: 'later', shout: false }, { now: 5000 });
    expect(await greet.run(ctx)).toEqual({ type: 'suspend', suspension: { kind: 'timer', until: 6000 } });
  });

  it('lets errors thrown by run propagate unchanged', async () => {
    const failing = defineNode({
      type: 'demo.fail',
      version: 1,
      title: 'Fail',
      description: 'Always fails.',
      input: z.object({}),
      run: async () => {
        throw new AtomError('ATOM_ERR_STEP_FAILED', 'no');
      },
    });
    await expect(failing.run(nodeContext({}).ctx)).rejects.toMatchObject({ code: 'ATOM_ERR_STEP_FAILED' });
  });

  it('refuses malformed definitions', () => {
    const base = { title: 'x', description: 'x', input: z.object({ a: z.string() }), run: async () => null };
    expect(() => defineNode({ ...base, type: 'Bad Type', version: 1 })).toThrow(/namespace\.action/);
    expect(() => defineNode({ ...base, type: 'demo.x', version: 0 })).toThrow(/positive integer/);
    const deferred = ['b'] as unknown as readonly 'a'[];
    expect(() => defineNode({ ...base, type: 'demo.x', version: 1, deferredInputs: deferred })).toThrow(/"b"/);
    expect(() => defineNode({ ...base, type: 'demo.x', version: 1, outputEvent: 'step.done' })).toThrow(/run\./);
  });

  it('declares the run event its output announces, only when asked', () => {
    const base = { title: 'x', description: 'x', input: z.object({}), run: async () => null, version: 1 };
    expect(defineNode({ ...base, type: 'demo.say', outputEvent: 'run.said' }).outputEvent).toBe('run.said');
    expect('outputEvent' in defineNode({ ...base, type: 'demo.quiet' })).toBe(false);
  });
});
