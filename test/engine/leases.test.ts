/**
 * Leases and the exactly-once commit, on a real engine: a worker that lost its lease cannot
 * commit; a worker never runs more steps at once than its concurrency, eager dispatch included;
 * cancelling a run stops it from any state and its late results are dropped.
 */
import { VirtualClock } from '@atom/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const oneStep = {
  atom: 1,
  name: 'one-step',
  steps: [{ id: 'only', uses: 'transform', with: { v: 1 } }],
  outputs: { v: '{{ $steps.only.output.v }}' },
};

describe('leases', () => {
  it('drops the result of a worker whose lease expired and whose step another worker finished', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    harness = await createHarness({ clock, options: { leaseMs: 1_000 } });
    const { engine } = harness;
    const registered = await engine.registerWorkflow(oneStep);
    const run = await engine.startRun({ workflow: registered.workflowId });

    // Worker A claims the step, then stalls past its lease.
    const [stale] = await engine.store.claimDue({ owner: 'worker-a', now: clock.now(), limit: 1, leaseMs: 1_000 });
    expect(stale?.key).toBe('only');
    clock.advance(5_000);
    expect(await engine.releaseLeases({ now: clock.now() })).toBe(1);

    // Worker B takes it over and finishes the run.
    await harness.work(() => harness?.events.some((e) => e.type === 'run.succeeded') ?? false);
    const before = await engine.store.listSteps(run.id);
    expect(before[0]).toMatchObject({ status: 'succeeded', attempt: 2 });

    // A wakes up and tries to commit its (stale) attempt: nothing changes.
    await engine.execute(await engine.store.getRun(run.id).then((r) => r!), stale!, new AbortController().signal, null);
    expect(await engine.store.listSteps(run.id)).toEqual(before);
    const commits = (await engine.store.listEvents(run.id)).filter((e) => e.type === 'step.succeeded');
    expect(commits).toHaveLength(1);
    const expired = (await engine.store.listEvents(run.id)).filter((e) => e.type === 'step.lease_expired');
    expect(expired).toHaveLength(1);
  });

  it('never runs more steps at once than the worker concurrency, eager dispatch included', async () => {
    harness = await createHarness();
    const { engine } = harness;
    const wide = {
      atom: 1,
      name: 'wide',
      steps: [
        { id: 'start', uses: 'transform', with: {} },
        ...Array.from({ length: 6 }, (_, i) => ({
          id: `w${i}`,
          needs: ['start'],
          uses: 'test.sleep',
          with: { ms: 30 },
        })),
        { id: 'end', needs: ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'], uses: 'transform', with: {} },
      ],
    };
    const registered = await engine.registerWorkflow(wide);
    const run = await engine.startRun({ workflow: registered.workflowId });
    const worker = engine.createWorker({ id: 'narrow', concurrency: 2 });
    let ended = false;
    engine.onEvents((events) => {
      if (events.some((e) => e.runId === run.id && e.type === 'run.succeeded')) ended = true;
    });
    await worker.run({ until: () => ended, stopWhenIdle: true });
    let active = 0;
    let peak = 0;
    for (const event of await engine.store.listEvents(run.id)) {
      if (event.type === 'step.started') peak = Math.max(peak, ++active);
      if (event.type === 'step.succeeded') active--;
    }
    expect(ended).toBe(true);
    expect(peak).toBe(2);
  });

  it('cancels a run while its steps run; their late results are dropped', async () => {
    harness = await createHarness();
    const { engine } = harness;
    const slow = {
      atom: 1,
      name: 'slow',
      steps: [
        { id: 'a', uses: 'test.sleep', with: { ms: 100 } },
        { id: 'b', uses: 'transform', with: {} },
      ],
    };
    const registered = await engine.registerWorkflow(slow);
    const run = await engine.startRun({ workflow: registered.workflowId });
    const worker = engine.createWorker({ id: 'w' });
    const working = worker.run({ stopWhenIdle: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await engine.cancelRun(run.id)).toBe(true);
    expect(await engine.cancelRun(run.id)).toBe(false);
    await working;
    const after = await engine.store.getRun(run.id);
    expect(after?.status).toBe('cancelled');
    const steps = Object.fromEntries((await engine.store.listSteps(run.id)).map((s) => [s.key, s.status]));
    expect(steps).toEqual({ a: 'cancelled', b: 'cancelled' });
    expect((await engine.store.listEvents(run.id)).some((e) => e.type === 'step.succeeded')).toBe(false);
  });
});
