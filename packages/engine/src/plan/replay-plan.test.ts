import type { CompiledStep } from '@atom/spec';
import { describe, expect, it } from 'vitest';
import type { StepStatus } from '../ports/store-port.js';
import { downstreamOf, replayReuse } from './replay-plan.js';

function step(id: string, needs: string[]): CompiledStep {
  return { id, needs } as CompiledStep;
}

const statuses = (entries: Record<string, StepStatus>) => new Map(Object.entries(entries));

// a → b → c, and x independent; d joins b and x.
const steps = [step('a', []), step('b', ['a']), step('c', ['b']), step('x', []), step('d', ['b', 'x'])];

describe('replayReuse', () => {
  it('reuses nothing without fromStep', () => {
    expect(replayReuse(steps, null, statuses({ a: 'succeeded', b: 'succeeded' }))).toEqual([]);
  });

  it('reuses finished steps that are neither fromStep nor downstream of it', () => {
    const original = statuses({ a: 'succeeded', b: 'succeeded', c: 'failed', x: 'skipped', d: 'cancelled' });
    expect(replayReuse(steps, 'b', original)).toEqual(['a', 'x']);
    expect(replayReuse(steps, 'c', original)).toEqual(['a', 'b', 'x']);
  });

  it('runs again what failed, was cancelled or never ran in the original', () => {
    expect(replayReuse(steps, 'c', statuses({ a: 'failed', b: 'cancelled' }))).toEqual([]);
  });
});

describe('downstreamOf', () => {
  it('follows needs transitively, joins included', () => {
    expect([...downstreamOf(steps, 'b')].sort()).toEqual(['b', 'c', 'd']);
    expect([...downstreamOf(steps, 'x')].sort()).toEqual(['d', 'x']);
  });
});
