import { describe, expect, it } from 'vitest';
import { outputOf } from '../test-support/node-context.js';
import { RUN_RESPONDED, respondNode } from './respond.js';

describe('respond', () => {
  it('asks the engine to announce its output as run.responded', () => {
    expect(respondNode.outputEvent).toBe(RUN_RESPONDED);
    expect(RUN_RESPONDED).toBe('run.responded');
  });

  it('outputs the answer, 200 with no headers and a null body by default', async () => {
    expect(await outputOf(respondNode, {})).toEqual({ status: 200, headers: {}, body: null });
    const input = { status: 201, headers: { location: '/orders/7' }, body: { id: 7 } };
    expect(await outputOf(respondNode, input)).toEqual(input);
  });

  it('refuses a status outside 100–599 and headers that are not strings', () => {
    expect(respondNode.parseInput({ status: 600 })).toMatchObject({ ok: false, issues: [{ path: 'status' }] });
    expect(respondNode.parseInput({ status: 99 })).toMatchObject({ ok: false });
    expect(respondNode.parseInput({ status: 200.5 })).toMatchObject({ ok: false });
    expect(respondNode.parseInput({ headers: { 'x-n': 1 } })).toMatchObject({
      ok: false,
      issues: [{ path: 'headers.x-n' }],
    });
  });

  it('refuses header names and values that Node would refuse to send (no response splitting)', () => {
    const refused = [
      { 'x-echo': 'v\r\nSet-Cookie: evil=1' },
      { 'x-echo': 'v\nx' },
      { 'x-echo': 'nul\0' },
      { 'x-echo': 'bell\u0007' },
      { 'x-echo': 'wide \u2028' },
      { 'bad name': 'x' },
      { 'x-a\r\nset-cookie': 'x' },
      { '': 'x' },
    ];
    for (const headers of refused) {
      expect(respondNode.parseInput({ headers }), JSON.stringify(headers)).toMatchObject({
        ok: false,
        issues: [{ path: expect.stringMatching(/^headers/) }],
      });
    }
    expect(respondNode.parseInput({ headers: { 'x-ok': 'tab\tand latin-1 \u00e9' } })).toMatchObject({ ok: true });
  });
});
