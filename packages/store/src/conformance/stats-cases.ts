/**
 * RunStatsReader cases: runs by status, the queue by state, and the oldest step due by `now`.
 */
import { expect, it } from 'vitest';
import { newRun, newStep, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function statsCases(h: StoreHarness): void {
  it('counts runs by status and the queue by state', async () => {
    const { store } = h;
    expect(await store.runStats(T0)).toEqual({
      runs: {},
      queue: { ready: 0, retrying: 0, waiting: 0, running: 0 },
      oldestDueAt: null,
    });
    const a = newRun({ status: 'running' });
    const b = newRun({ status: 'succeeded' });
    const c = newRun({ status: 'running' });
    await h.store.atomically(async (tx) => {
      for (const run of [a, b, c]) await tx.insertRun(run);
      await tx.insertSteps([
        newStep(a.id, 'x', { status: 'ready', dueAt: T0 + 10 }),
        newStep(a.id, 'y', { status: 'ready', dueAt: T0 - 5 }),
        newStep(c.id, 'z', { status: 'retrying', dueAt: T0 - 20 }),
        newStep(c.id, 'w', { status: 'waiting', dueAt: null }),
        newStep(c.id, 'p', { status: 'pending', dueAt: null }),
      ]);
    });
    const stats = await store.runStats(T0);
    expect(stats.runs).toEqual({ running: 2, succeeded: 1 });
    expect(stats.queue).toEqual({ ready: 2, retrying: 1, waiting: 1, running: 0 });
    expect(stats.oldestDueAt).toBe(T0 - 20);
    expect((await store.runStats(T0 - 100)).oldestDueAt).toBeNull();
  });
}
