/**
 * Concurrency control in the claim (ADR 0007), on the embedded SQLite engine: a workflow's
 * `concurrency` keeps further runs queued until a slot frees; `priority` (the workflow's, or the
 * run start's) orders claims; fair turns across workflows keep one busy workflow from starving
 * another; a worker never runs more than its own concurrency.
 */
import type { NewRunEvent } from '@atom/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ENDED = new Set(['run.succeeded', 'run.failed', 'run.cancelled']);

/** The most runs that were between `run.started` and their end at once, replaying the log in order. */
function mostAtOnce(events: readonly NewRunEvent[], runIds: ReadonlySet<string>): number {
  let now = 0;
  let most = 0;
  for (const event of events) {
    if (!runIds.has(event.runId) || event.stepKey !== null) continue;
    if (event.type === 'run.started') most = Math.max(most, ++now);
    else if (ENDED.has(event.type)) now--;
  }
  return most;
}

const startOrder = (events: readonly NewRunEvent[]) =>
  events.filter((e) => e.type === 'run.started' && e.stepKey === null).map((e) => e.runId);

describe('concurrency control', () => {
  it('keeps runs beyond the workflow concurrency queued until a slot frees', async () => {
    harness = await createHarness();
    const { engine } = harness;
    await engine.registerWorkflow({
      atom: 1,
      name: 'limited',
      concurrency: 2,
      steps: [
        { id: 'wait', uses: 'test.sleep', with: { ms: 60 } },
        { id: 'then', uses: 'transform', with: { n: '{{ $inputs.n }}' } },
      ],
      outputs: { n: '{{ $steps.then.output.n }}' },
    });
    const runs = [];
    for (let n = 0; n < 6; n++) runs.push(await engine.startRun({ workflow: 'limited', inputs: { n } }));
    const ids = new Set(runs.map((run) => run.id));
    const events = harness.events;
    // While the first two run, the other four stay queued.
    await harness.work(() => events.filter((e) => e.type === 'run.started').length >= 2);
    const statuses = await Promise.all(runs.map(async (run) => (await engine.store.getRun(run.id))?.status));
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(4);

    await harness.work(() => events.filter((e) => ids.has(e.runId) && e.type === 'run.succeeded').length === 6);
    expect(mostAtOnce(events, ids)).toBe(2);
    for (const [n, run] of runs.entries()) expect((await engine.store.getRun(run.id))?.outputs).toEqual({ n });
  });

  it('claims the runs of higher priority first: the workflow priority, or the run start', async () => {
    harness = await createHarness();
    const { engine } = harness;
    const step = [{ id: 'only', uses: 'transform', with: { v: 1 } }];
    await engine.registerWorkflow({ atom: 1, name: 'routine', steps: step });
    await engine.registerWorkflow({ atom: 1, name: 'urgent', priority: 5, steps: step });
    const low = [];
    for (let n = 0; n < 3; n++) low.push(await engine.startRun({ workflow: 'routine' }));
    const urgent = await engine.startRun({ workflow: 'urgent' });
    const boosted = await engine.startRun({ workflow: 'routine', priority: 9 });
    const all = new Set([...low, urgent, boosted].map((run) => run.id));
    const done = () => harness?.events.filter((e) => all.has(e.runId) && e.type === 'run.succeeded').length === 5;
    // One step at a time, so the claim order is the start order.
    await engine.createWorker({ id: 'one-at-a-time', concurrency: 1 }).run({ stopWhenIdle: true, until: done });
    const order = startOrder(harness.events);
    expect(order.slice(0, 2)).toEqual([boosted.id, urgent.id]);
    // Then the three of equal priority (runs started within one millisecond have no defined order).
    expect(new Set(order.slice(2))).toEqual(new Set(low.map((run) => run.id)));
  });

  it('gives a workflow with one ready step its turn before a busy workflow drains its queue', async () => {
    harness = await createHarness();
    const { engine } = harness;
    await engine.registerWorkflow({
      atom: 1,
      name: 'busy',
      steps: [{ id: 'each', foreach: '{{ [1..60] }}', concurrency: 60, uses: 'test.sleep', with: { ms: 5 } }],
    });
    await engine.registerWorkflow({ atom: 1, name: 'small', steps: [{ id: 'only', uses: 'transform', with: {} }] });
    const busy = await engine.startRun({ workflow: 'busy' });
    const worker = engine.createWorker({ id: 'two-slots', concurrency: 2 });
    const events = harness.events;
    // The busy run's 60 iterations are all ready before the small run exists.
    await worker.run({ stopWhenIdle: true, until: () => events.some((e) => e.stepKey === 'each[0]') });
    const small = await engine.startRun({ workflow: 'small' });
    const ended = (id: string) => events.some((e) => e.runId === id && e.type === 'run.succeeded');
    await worker.run({ stopWhenIdle: true, until: () => ended(busy.id) && ended(small.id) });
    const smallStarted = events.findIndex((e) => e.runId === small.id && e.type === 'step.started');
    const itemsBefore = events
      .slice(0, smallStarted)
      .filter((e) => e.runId === busy.id && e.type === 'step.started' && e.stepKey?.startsWith('each[')).length;
    // First come first served would run all 60 iterations first; a fair turn comes within a few.
    expect(itemsBefore).toBeLessThan(10);
  });
});
