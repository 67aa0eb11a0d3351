import { describe, expect, it } from 'vitest';
import { callNode, errorOf, outputOf, TEST_NOW } from '../test-support/node-context.js';
import { delayNode } from './delay.js';

describe('delay', () => {
  it('parks the run for a duration', async () => {
    expect(await callNode(delayNode, { for: '5s' })).toMatchObject({
      type: 'suspend',
      suspension: { kind: 'timer', until: TEST_NOW + 5000 },
    });
    expect(await callNode(delayNode, { for: 250 })).toMatchObject({ suspension: { until: TEST_NOW + 250 } });
    expect(await callNode(delayNode, { for: '2m' })).toMatchObject({ suspension: { until: TEST_NOW + 120_000 } });
  });

  it('parks the run until a date-time', async () => {
    expect(await callNode(delayNode, { until: '2025-01-01T03:00:00+02:00' })).toMatchObject({
      type: 'suspend',
      suspension: { kind: 'timer', until: Date.parse('2025-01-01T01:00:00Z') },
    });
    const outcome = await callNode(delayNode, { until: '2025-01-02T00:00:00Z' });
    expect(outcome).toMatchObject({ suspension: { until: Date.parse('2025-01-02T00:00:00Z') } });
  });

  it('does not park for a moment already past', async () => {
    expect(await outputOf(delayNode, { until: '2024-12-31T00:00:00Z' })).toEqual({ until: '2024-12-31T00:00:00.000Z' });
    expect(await outputOf(delayNode, { for: 0 })).toEqual({ until: new Date(TEST_NOW).toISOString() });
  });

  it('outputs the time it ended when the timer wakes it', async () => {
    const woke = TEST_NOW + 5000;
    expect(await outputOf(delayNode, { for: '5s' }, { resume: { reason: 'timer' }, now: woke })).toEqual({
      until: new Date(woke).toISOString(),
    });
    expect(await outputOf(delayNode, { until: '2025-01-02T00:00:00Z' }, { resume: { reason: 'timer' } })).toEqual({
      until: '2025-01-02T00:00:00.000Z',
    });
  });

  it('treats any other wake-up as an engine bug', async () => {
    const resume = { reason: 'event', name: 'x', payload: null } as const;
    expect(await errorOf(delayNode, { for: '1s' }, { resume })).toMatchObject({ code: 'ATOM_ERR_INTERNAL' });
  });

  it('needs exactly one of `for` and `until`, each well formed', () => {
    expect(delayNode.parseInput({})).toMatchObject({ ok: false, issues: [{ path: '', message: /exactly one/ }] });
    expect(delayNode.parseInput({ for: '1s', until: '2025-01-01T00:00:00Z' })).toMatchObject({
      ok: false,
      issues: [{ path: '' }],
    });
    expect(delayNode.parseInput({ for: 'soon' })).toMatchObject({ ok: false, issues: [{ path: 'for' }] });
    expect(delayNode.parseInput({ until: 'tomorrow' })).toMatchObject({ ok: false, issues: [{ path: 'until' }] });
  });
});
