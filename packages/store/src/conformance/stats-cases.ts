/**
 * RunStatsReader cases: runs by status, the queue by state, and the oldest step due by `now`; the
 * dashboard's window of runs and step durations, checked against an exact computation (ADR 0020:
 * counts, failures and maxima exact, means to rounding, p50 / p95 within 1/128).
 */
import type { NewRunEvent } from '@atom/engine';
import { expect, it } from 'vitest';
import type { DurationSummary } from '../control/run-stats.js';
import { newRun, newStep, seedRun, T0 } from './fixtures.js';
import type { Store, StoreHarness } from './store-conformance.js';

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

/** A step-end event of the exact computation: node type, duration, failed, workspace. */
interface TimedEnd {
  nodeType: string;
  durationMs: number;
  failed: boolean;
  workspaceId: string;
  at: number;
}

/** Nearest rank over every duration, as the dashboard defines it (run-stats.ts). */
function exactSummary(ends: readonly TimedEnd[]): DurationSummary {
  const sorted = ends.map((e) => e.durationMs).sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, p50Ms: null, p95Ms: null, maxMs: null };
  const rank = (p: number) => sorted[Math.ceil((p * sorted.length) / 100) - 1] as number;
  return { count: sorted.length, p50Ms: rank(50), p95Ms: rank(95), maxMs: sorted.at(-1) as number };
}

/** `actual` against the exact figures: counts and maxima equal, percentiles within 1/128. */
function expectWithinBound(actual: DurationSummary, exact: DurationSummary): void {
  expect({ count: actual.count, maxMs: actual.maxMs }).toEqual({ count: exact.count, maxMs: exact.maxMs });
  for (const key of ['p50Ms', 'p95Ms'] as const) {
    const [a, e] = [actual[key] as number, exact[key] as number];
    expect(Math.abs(a - e), `${key}: ${a} for an exact ${e}`).toBeLessThanOrEqual(e / 128);
  }
}

export function rollupCases(h: StoreHarness): void {
  const MINUTE = 60_000;
  // T0 is 40 s into a minute, so the window starts and ends inside minutes (read raw).
  const window = { from: T0, to: T0 + 30 * MINUTE + 7_000, bucketMs: MINUTE, nodeTypes: 10 };
  const TYPES = ['http.request', 'transform', 'ai.classify', 'slack.postMessage'];

  /** Deterministic pseudo-random numbers (a 32-bit LCG), so a failure can be replayed. */
  function random(seed: number) {
    let x = seed >>> 0;
    return () => {
      x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
      return x / 2 ** 32;
    };
  }

  /** `count` step-end events spread over the window and a minute either side, durations 0 ms to ~3 min. */
  async function seedEnds(seed: number, count: number, runs: Record<string, string>): Promise<TimedEnd[]> {
    const next = random(seed);
    const ends: TimedEnd[] = [];
    const events: NewRunEvent[] = [];
    const workspaces = Object.keys(runs);
    for (let i = 0; i < count; i++) {
      const workspaceId = workspaces[Math.floor(next() * workspaces.length)] as string;
      const nodeType = TYPES[Math.floor(next() * TYPES.length)] as string;
      const durationMs = Math.floor(Math.exp(next() * 12)) - 1; // log-uniform, 0 .. 162,754
      const at = window.from - MINUTE + Math.floor(next() * (window.to - window.from + 2 * MINUTE));
      const failed = next() < 0.1;
      const type = failed ? 'step.failed' : 'step.succeeded';
      events.push({
        runId: runs[workspaceId] as string,
        type,
        stepKey: `s${i}`,
        data: { attempt: 1, nodeType, durationMs },
        at,
      });
      ends.push({ nodeType, durationMs, failed, workspaceId, at });
    }
    await h.store.atomically((tx) => tx.appendEvents(events));
    return ends;
  }

  function expectExact(activity: Awaited<ReturnType<Store['runActivity']>>, all: readonly TimedEnd[]) {
    const inWindow = all.filter((e) => e.at >= window.from && e.at < window.to);
    expectWithinBound(activity.steps, exactSummary(inWindow));
    expect(activity.nodeTypes.map((t) => t.nodeType).sort()).toEqual(
      [...new Set(inWindow.map((e) => e.nodeType))].sort(),
    );
    for (const type of activity.nodeTypes) {
      const ends = inWindow.filter((e) => e.nodeType === type.nodeType);
      expectWithinBound(type, exactSummary(ends));
      expect(type.failed).toBe(ends.filter((e) => e.failed).length);
      expect(type.meanMs).toBeCloseTo(ends.reduce((sum, e) => sum + e.durationMs, 0) / ends.length, 6);
    }
  }

  it('agrees with an exact computation per workspace, before and after events are rolled up, late ones too', async () => {
    const { store } = h;
    const a = await seedRun(store, { createdAt: T0 - MINUTE });
    const b = await seedRun(store, { createdAt: T0 - MINUTE, workspaceId: 'ws-b' });
    const runs = { default: a.id, 'ws-b': b.id };
    const first = await seedEnds(1, 3000, runs);
    const of = (ends: readonly TimedEnd[], ws: string) => ends.filter((e) => e.workspaceId === ws);
    // The first read rolls up what has settled (everything, on a store that settles at once).
    expectExact(await store.runActivity(window), first);
    expectExact(await store.runActivity({ ...window, workspaceId: 'default' }), of(first, 'default'));
    // Events written after that, into minutes already rolled up: read raw, then rolled up in turn.
    const all = [...first, ...(await seedEnds(2, 1000, runs))];
    for (let read = 0; read < 2; read++) {
      expectExact(await store.runActivity({ ...window, workspaceId: 'ws-b' }), of(all, 'ws-b'));
      expectExact(await store.runActivity(window), all);
    }
    expect((await store.runActivity({ ...window, workspaceId: 'ws-none' })).steps.count).toBe(0);
    // A window inside a single minute has no whole minute to take from the rollup.
    const narrow = { ...window, from: T0 + 5 * MINUTE + 1_000, to: T0 + 5 * MINUTE + 30_000 };
    const inNarrow = all.filter((e) => e.at >= narrow.from && e.at < narrow.to);
    expectWithinBound((await store.runActivity(narrow)).steps, exactSummary(inNarrow));
  });
}
