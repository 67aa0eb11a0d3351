/**
 * RunStatsReader cases: runs by status, the queue by state, and the oldest step due by `now`.
 */
import { expect, it } from 'vitest';
import { newRun, newStep, seedRun, T0 } from './fixtures.js';
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

export function activityCases(h: StoreHarness): void {
  const MINUTE = 60_000;
  const from = T0;
  const window = { from, to: from + 3 * MINUTE, bucketMs: MINUTE, nodeTypes: 10 };

  it('counts runs started and ended per bucket, empty buckets included', async () => {
    const { store } = h;
    const empty = await store.runActivity(window);
    expect(empty.buckets.map((b) => b.at)).toEqual([from, from + MINUTE, from + 2 * MINUTE]);
    expect(empty.buckets.every((b) => b.started + b.succeeded + b.failed + b.cancelled === 0)).toBe(true);
    expect(empty.steps).toEqual({ count: 0, p50Ms: null, p95Ms: null, maxMs: null });
    expect(empty.nodeTypes).toEqual([]);

    const ended = (status: 'succeeded' | 'failed' | 'cancelled', createdAt: number, finishedAt: number) =>
      h.store.atomically(async (tx) => {
        const run = newRun({ status, createdAt });
        await tx.insertRun(run);
        await tx.updateRun(run.id, { startedAt: createdAt, finishedAt, updatedAt: finishedAt });
      });
    await ended('succeeded', from - 1, from + 5); // started before the window, ended in its first minute
    await ended('succeeded', from, from + MINUTE + 1);
    await ended('failed', from + 10, from + MINUTE + 2);
    await ended('cancelled', from + MINUTE, from + 2 * MINUTE);
    await ended('succeeded', from + 2 * MINUTE + 59_999, from + 3 * MINUTE); // ends after the window
    await seedRun(store, { status: 'running', createdAt: from + 2 * MINUTE });
    await seedRun(store, { status: 'queued', createdAt: from + 3 * MINUTE }); // after the window
    const { buckets } = await store.runActivity(window);
    expect(buckets).toEqual([
      { at: from, started: 2, succeeded: 1, failed: 0, cancelled: 0 },
      { at: from + MINUTE, started: 1, succeeded: 1, failed: 1, cancelled: 0 },
      { at: from + 2 * MINUTE, started: 2, succeeded: 0, failed: 0, cancelled: 1 },
    ]);
  });

  it('ranks the durations of the steps that ended in the window, overall and by node type', async () => {
    const { store } = h;
    const run = await seedRun(store, { createdAt: from });
    const end = (type: string, at: number, data: unknown) => ({ runId: run.id, type, stepKey: 's', data, at });
    // http.request: 1..20 ms (one failed); transform: 100 ms twice; a container; a step without timing.
    const events = [
      ...Array.from({ length: 20 }, (_, i) =>
        end(i === 19 ? 'step.failed' : 'step.succeeded', from + i, {
          attempt: 1,
          nodeType: 'http.request',
          durationMs: i + 1,
        }),
      ),
      end('step.succeeded', from + 100, { attempt: 1, nodeType: 'transform', durationMs: 100 }),
      end('step.succeeded', from + 101, { attempt: 2, nodeType: 'transform', durationMs: 100 }),
      end('step.succeeded', from + 102, { attempt: 1 }),
      end('step.failed', from + 103, { attempt: 1, nodeType: 'group', durationMs: 5000 }),
      end('step.started', from + 104, { attempt: 1, nodeType: 'code', durationMs: 9000 }),
      end('step.succeeded', from - 1, { attempt: 1, nodeType: 'code', durationMs: 9000 }),
      end('step.succeeded', window.to, { attempt: 1, nodeType: 'code', durationMs: 9000 }),
    ];
    await store.atomically((tx) => tx.appendEvents(events));
    const activity = await store.runActivity(window);
    // 22 durations: 1..20, 100, 100. Nearest rank: p50 is the 11th (11), p95 the 21st (100).
    expect(activity.steps).toEqual({ count: 22, p50Ms: 11, p95Ms: 100, maxMs: 100 });
    expect(activity.nodeTypes).toEqual([
      { nodeType: 'transform', count: 2, failed: 0, meanMs: 100, p50Ms: 100, p95Ms: 100, maxMs: 100 },
      { nodeType: 'http.request', count: 20, failed: 1, meanMs: 10.5, p50Ms: 10, p95Ms: 19, maxMs: 20 },
    ]);
    expect((await store.runActivity({ ...window, nodeTypes: 1 })).nodeTypes.map((t) => t.nodeType)).toEqual([
      'transform',
    ]);
  });
}
