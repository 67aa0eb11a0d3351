import { describe, expect, it } from 'vitest';
import type { RunEvent, StepState } from '../api/types';
import { applyEvents, inStartOrder, runStatusAfter, statusById } from './step-status';

const step = (key: string, status: string, extra: Partial<StepState> = {}): StepState => ({
  key,
  stepId: key.split('[')[0] as string,
  scope: '',
  kind: 'node',
  index: 0,
  status,
  attempt: 1,
  input: null,
  output: null,
  error: null,
  wait: null,
  itemCount: null,
  dueAt: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  ...extra,
});
const event = (id: number, type: string, stepKey: string | null = null): RunEvent => ({
  id,
  runId: 'r',
  workflowId: 'w',
  type,
  stepKey,
  data: null,
  at: new Date(0).toISOString(),
});

describe('step states from stream events', () => {
  it('moves steps and the run along the events, in order', () => {
    const steps = [step('a', 'pending'), step('b', 'pending')];
    const after = applyEvents(steps, [
      event(1, 'step.started', 'a'),
      event(2, 'step.succeeded', 'a'),
      event(3, 'step.started', 'b'),
      event(4, 'step.retrying', 'b'),
      event(5, 'step.unknown-kind', 'b'),
    ]);
    expect(after.map((s) => [s.key, s.status, s.attempt])).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'retrying', 2],
    ]);
    expect(applyEvents(after, [event(6, 'run.started')])).toBe(after);
    expect(runStatusAfter('queued', [event(1, 'run.started'), event(9, 'run.succeeded')])).toBe('succeeded');
  });

  it('shows a loop by its own step record, or by its most telling iteration', () => {
    const loop = [step('f[0]', 'succeeded', { stepId: 'f' }), step('f[1]', 'failed', { stepId: 'f' })];
    expect(statusById(loop).get('f')?.status).toBe('failed');
    expect(statusById([...loop, step('f', 'running')]).get('f')?.status).toBe('running');
  });

  it('orders steps by start time, the ones not started last', () => {
    const ordered = inStartOrder([
      step('z', 'succeeded', { startedAt: '2026-01-01T00:00:01Z' }),
      step('b', 'pending'),
      step('a', 'succeeded', { startedAt: '2026-01-01T00:00:02Z' }),
      step('y', 'succeeded', { startedAt: '2026-01-01T00:00:00Z' }),
    ]);
    expect(ordered.map((s) => s.key)).toEqual(['y', 'z', 'a', 'b']);
  });
});
