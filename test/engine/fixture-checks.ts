/**
 * Checks one run of a fixture against its `expect` block (vocabulary in fixture-format.ts).
 */
import type { Engine, NewRunEvent } from '@atom/engine';
import { expect } from 'vitest';
import { callCounts } from '../support/test-nodes.js';
import type { Expectations } from './fixture-format.js';

function indexOf(events: NewRunEvent[], type: string, key: string): number {
  const at = events.findIndex((event) => event.type === type && event.stepKey === key);
  if (at < 0) throw new Error(`no ${type} event for ${key}`);
  return at;
}

export async function checkRun(
  engine: Engine,
  allEvents: readonly NewRunEvent[],
  runId: string,
  want: Expectations,
  label: string,
): Promise<void> {
  const run = await engine.store.getRun(runId);
  const rows = new Map((await engine.store.listSteps(runId)).map((row) => [row.key, row]));
  const events = allEvents.filter((event) => event.runId === runId);
  const context = `${label}: run ${run?.status} ${JSON.stringify(run?.error)}`;

  if (want.status) expect(run?.status, context).toBe(want.status);
  if (want.outputs !== undefined) expect(await engine.loadValue(run?.outputs), context).toEqual(want.outputs);
  if (want.error?.code) expect(run?.error?.code, context).toBe(want.error.code);
  if (want.error?.step) expect((run?.error?.data as { step?: string })?.step).toBe(want.error.step);
  if (want.trigger) expect(run?.trigger, `${label}: trigger`).toMatchObject(want.trigger);
  for (const [key, status] of Object.entries(want.steps ?? {})) {
    expect(rows.get(key)?.status, `${label}: step ${key}`).toBe(status);
  }
  for (const [key, attempts] of Object.entries(want.attempts ?? {})) {
    expect(rows.get(key)?.attempt, `${label}: attempts of ${key}`).toBe(attempts);
  }
  for (const [key, value] of Object.entries(want.outputOf ?? {})) {
    expect(await engine.loadValue(rows.get(key)?.output), `${label}: output of ${key}`).toEqual(value);
  }
  for (const key of want.blobs ?? []) {
    expect(rows.get(key)?.output, `${label}: ${key} kept as a blob`).toMatchObject({ $blob: expect.any(String) });
  }
  const order = want.order ?? [];
  for (let i = 1; i < order.length; i++) {
    const before = order[i - 1] as string;
    const after = order[i] as string;
    expect(
      indexOf(events, 'step.succeeded', before) < indexOf(events, 'step.started', after),
      `${label}: ${before} finished before ${after} started`,
    ).toBe(true);
  }
  for (const [a, b] of (want.parallel ?? []) as Array<[string, string]>) {
    expect(indexOf(events, 'step.started', a) < indexOf(events, 'step.succeeded', b), `${a} ∥ ${b}`).toBe(true);
    expect(indexOf(events, 'step.started', b) < indexOf(events, 'step.succeeded', a), `${b} ∥ ${a}`).toBe(true);
  }
  for (const [prefix, limit] of Object.entries(want.maxConcurrent ?? {})) {
    let active = 0;
    let peak = 0;
    for (const event of events) {
      if (!event.stepKey?.startsWith(prefix)) continue;
      if (event.type === 'step.started') peak = Math.max(peak, ++active);
      if (['step.succeeded', 'step.failed', 'step.retrying', 'step.waiting'].includes(event.type)) active--;
    }
    expect(peak, `${label}: peak concurrency of ${prefix}`).toBeLessThanOrEqual(limit);
    expect(peak, `${label}: ${prefix} ran in parallel`).toBeGreaterThan(1);
  }
  for (const [key, delays] of Object.entries(want.retryDelays ?? {})) {
    const seen = events
      .filter((e) => e.type === 'step.retrying' && e.stepKey === key)
      .map((e) => (e.data as { delayMs: number }).delayMs);
    expect(seen, `${label}: retry delays of ${key}`).toEqual(delays);
  }
  if (want.compensations) {
    const done = events
      .filter((e) => e.type === 'step.succeeded' && e.stepKey?.startsWith('$compensate'))
      .map((e) => rows.get(e.stepKey as string)?.target);
    expect(done, `${label}: compensation order`).toEqual(want.compensations);
  }
  if (want.cache) {
    const stats = await engine.store.cacheStats();
    for (const [type, counts] of Object.entries(want.cache)) expect(stats[type]).toEqual(counts);
  }
  if (want.minDurationMs !== undefined) {
    expect((run?.finishedAt ?? 0) - (run?.createdAt ?? 0)).toBeGreaterThanOrEqual(want.minDurationMs);
  }
  for (const [type, data] of Object.entries(want.logged ?? {})) {
    const seen = events.filter((event) => event.type === type).map((event) => event.data);
    expect(seen, `${label}: data of ${type} events`).toMatchObject(data);
  }
  for (const key of want.notStarted ?? []) {
    const started = events.some((event) => event.type === 'step.started' && event.stepKey === key);
    expect(started, `${label}: ${key} never started`).toBe(false);
  }
  for (const [name, calls] of Object.entries(want.calls ?? {})) {
    expect(callCounts.get(name) ?? 0, `${label}: calls of ${name}`).toBe(calls);
  }
}
