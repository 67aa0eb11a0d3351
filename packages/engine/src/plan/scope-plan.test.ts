import type { CompiledStep } from '@atom/spec';
import { describe, expect, it } from 'vitest';
import type { StepStatus } from '../ports/store-port.js';
import { planScope, scopeSettled } from './scope-plan.js';

function step(id: string, needs: string[], onError: 'fail' | 'continue' = 'fail'): CompiledStep {
  return { id, needs, onError } as CompiledStep;
}

const plan = (steps: CompiledStep[], statuses: Record<string, StepStatus>) =>
  planScope(steps, new Map(Object.entries(statuses)));

describe('planScope', () => {
  it('starts a step once every need finished and one succeeded', () => {
    const steps = [step('a', []), step('b', []), step('c', ['a', 'b'])];
    expect(plan(steps, { a: 'succeeded', b: 'running', c: 'pending' })).toEqual({ ready: [], skipped: [] });
    expect(plan(steps, { a: 'succeeded', b: 'skipped', c: 'pending' })).toEqual({ ready: ['c'], skipped: [] });
  });

  it('skips a step all of whose needs were skipped, and cascades', () => {
    const steps = [step('a', []), step('b', ['a']), step('c', ['b']), step('d', ['c', 'x']), step('x', [])];
    expect(plan(steps, { a: 'skipped', b: 'pending', c: 'pending', d: 'pending', x: 'succeeded' })).toEqual({
      ready: ['d'],
      skipped: ['b', 'c'],
    });
  });

  it('lets the steps after a failure with onError continue run', () => {
    const steps = [step('a', [], 'continue'), step('b', ['a']), step('c', ['a', 'd']), step('d', [])];
    expect(plan(steps, { a: 'failed', b: 'pending', c: 'pending', d: 'skipped' })).toEqual({
      ready: ['b', 'c'],
      skipped: [],
    });
  });

  it('never starts a step after a need that failed without continue', () => {
    const steps = [step('a', []), step('b', ['a'])];
    expect(plan(steps, { a: 'failed', b: 'pending' })).toEqual({ ready: [], skipped: [] });
  });

  it('tells when a scope has settled', () => {
    expect(scopeSettled(['succeeded', 'skipped', 'failed', 'cancelled'])).toBe(true);
    expect(scopeSettled(['succeeded', 'waiting'])).toBe(false);
  });
});
