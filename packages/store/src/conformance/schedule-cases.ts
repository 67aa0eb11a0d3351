/**
 * Conformance cases for schedule marks (ControlStore): one per workflow and trigger, only ever
 * moving forward, also when many advances race.
 */
import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function scheduleCases(h: StoreHarness): void {
  it('moves a mark forward and never back', async () => {
    expect(await h.store.getScheduleMark('wf-1', 'schedule[0]')).toBeUndefined();
    await h.store.advanceScheduleMark('wf-1', 'schedule[0]', T0 + 100);
    expect(await h.store.getScheduleMark('wf-1', 'schedule[0]')).toBe(T0 + 100);
    await h.store.advanceScheduleMark('wf-1', 'schedule[0]', T0 + 50);
    expect(await h.store.getScheduleMark('wf-1', 'schedule[0]')).toBe(T0 + 100);
    await h.store.advanceScheduleMark('wf-1', 'schedule[0]', T0 + 100);
    await h.store.advanceScheduleMark('wf-1', 'schedule[0]', T0 + 200);
    expect(await h.store.getScheduleMark('wf-1', 'schedule[0]')).toBe(T0 + 200);
    expect(await h.store.getScheduleMark('wf-1', 'schedule[1]')).toBeUndefined();
    expect(await h.store.getScheduleMark('wf-2', 'schedule[0]')).toBeUndefined();
  });

  it('ends on the latest of concurrent advances', async () => {
    const times = Array.from({ length: 30 }, (_, i) => T0 + ((i * 11) % 30) * 1000);
    await Promise.all(times.map((time) => h.store.advanceScheduleMark('wf-1', 'cron', time)));
    expect(await h.store.getScheduleMark('wf-1', 'cron')).toBe(Math.max(...times));
  });
}
