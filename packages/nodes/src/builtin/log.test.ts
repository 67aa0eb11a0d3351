import { describe, expect, it } from 'vitest';
import { callNode } from '../test-support/node-context.js';
import { logNode } from './log.js';

describe('log', () => {
  it('logs at info by default and outputs message and level', async () => {
    const outcome = await callNode(logNode, { message: 'hello' });
    expect(outcome).toMatchObject({ type: 'output', output: { message: 'hello', level: 'info' } });
    expect(outcome.logs).toEqual([{ level: 'info', message: 'hello' }]);
  });

  it('passes level and data through', async () => {
    const outcome = await callNode(logNode, { message: 'careful', level: 'warn', data: { n: 1 } });
    expect(outcome.logs).toEqual([{ level: 'warn', message: 'careful', data: { n: 1 } }]);
  });

  it('refuses an unknown level', () => {
    expect(logNode.parseInput({ message: 'x', level: 'loud' })).toMatchObject({
      ok: false,
      issues: [{ path: 'level' }],
    });
  });
});
