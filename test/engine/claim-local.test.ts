/**
 * Claimed local steps run in the claim's own unit (ADR 0018), on a real engine and SQLite file: a
 * claim of a chain of `transform` steps commits the whole run, with the workspace's `$vars`,
 * and hands the worker only the steps of other nodes; a claim of one branch of a fan-out runs the
 * run's other ready branches too (ADR 0021).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const chain = {
  atom: 1,
  name: 'chain',
  steps: [
    { id: 'a', uses: 'transform', with: { n: '{{ $inputs.n }}', greeting: '{{ $vars.GREETING }}' } },
    { id: 'b', uses: 'transform', with: { n: '{{ $steps.a.output.n + 1 }}' } },
  ],
  outputs: { n: '{{ $steps.b.output.n }}', greeting: '{{ $steps.a.output.greeting }}' },
};

const claimOptions = (now: number) => ({ owner: 'test-worker', now, limit: 10, leaseMs: 30_000 });

describe('claimed local steps', () => {
  it('runs a claimed chain of transforms to the end inside the claim, with the workspace vars', async () => {
    harness = await createHarness({ vars: { GREETING: 'hello' } });
    const { engine } = harness;
    // A first run makes the engine know the workspace, whose scope later claims read first.
    await harness.run(chain, { n: 0 });
    const registered = await engine.registerWorkflow(chain);
    const run = await engine.startRun({ workflow: registered.workflowId, inputs: { n: 5 } });

    const claim = await engine.claim(claimOptions(Date.now()));
    expect(claim).toEqual({ started: [], claimed: 1 });
    const ended = await engine.store.getRun(run.id);
    expect(ended).toMatchObject({ status: 'succeeded', outputs: { n: 6, greeting: 'hello' } });
    const steps = await engine.store.listSteps(run.id);
    expect(steps.map((step) => [step.key, step.status, step.attempt])).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'succeeded', 1],
    ]);
    const types = (await engine.store.listEvents(run.id)).map((event) => `${event.type} ${event.stepKey ?? ''}`.trim());
    expect(types).toEqual([
      'run.created',
      'step.ready a',
      'run.started',
      'step.started a',
      'step.succeeded a',
      'step.started b',
      'step.succeeded b',
      'run.succeeded',
    ]);
  });

  it('hands the worker the claimed steps of other nodes and runs the local ones', async () => {
    harness = await createHarness();
    const { engine } = harness;
    const mixed = {
      atom: 1,
      name: 'mixed',
      steps: [
        { id: 'pure', needs: [], uses: 'transform', with: { v: 1 } },
        { id: 'say', needs: [], uses: 'log', with: { message: 'hello' } },
        { id: 'join', needs: ['pure', 'say'], uses: 'transform', with: { v: '{{ $steps.pure.output.v }}' } },
      ],
      outputs: { v: '{{ $steps.join.output.v }}' },
    };
    await harness.run(mixed);
    const registered = await engine.registerWorkflow(mixed);
    const run = await engine.startRun({ workflow: registered.workflowId });

    const claim = await engine.claim(claimOptions(Date.now()));
    expect(claim.claimed).toBe(2);
    expect(claim.started.map(({ step }) => step.key)).toEqual(['say']);
    const byKey = new Map((await engine.store.listSteps(run.id)).map((step) => [step.key, step.status]));
    expect(Object.fromEntries(byKey)).toEqual({ pure: 'succeeded', say: 'running', join: 'pending' });

    // `say` runs as a worker's step; its unit then runs the join locally and ends the run.
    const [say] = claim.started;
    if (!say) throw new Error('no step was handed over');
    await engine.execute(say.run, say.step, new AbortController().signal, null);
    expect(await engine.store.getRun(run.id)).toMatchObject({ status: 'succeeded', outputs: { v: 1 } });
  });

  it('runs the other ready first steps of a claimed one, so a fan-out takes one claim', async () => {
    harness = await createHarness();
    const { engine } = harness;
    const fanOut = {
      atom: 1,
      name: 'fan-out',
      steps: [
        ...['b0', 'b1', 'b2'].map((id, i) => ({ id, needs: [], uses: 'transform', with: { i } })),
        { id: 'say', needs: [], uses: 'log', with: { message: 'hello' } },
        { id: 'join', needs: ['b0', 'b1', 'b2', 'say'], uses: 'transform', with: { sum: '{{ $steps.b2.output.i }}' } },
      ],
      outputs: { sum: '{{ $steps.join.output.sum }}' },
    };
    await harness.run(fanOut);
    const registered = await engine.registerWorkflow(fanOut);
    const run = await engine.startRun({ workflow: registered.workflowId });

    // One slot: the claim takes b0 alone, and runs b1 and b2 with it; `say` (not local) stays ready.
    const claim = await engine.claim({ ...claimOptions(Date.now()), limit: 1 });
    expect(claim).toEqual({ started: [], claimed: 1 });
    const byKey = new Map(
      (await engine.store.listSteps(run.id)).map((step) => [step.key, [step.status, step.attempt]]),
    );
    expect(Object.fromEntries(byKey)).toEqual({
      b0: ['succeeded', 1],
      b1: ['succeeded', 1],
      b2: ['succeeded', 1],
      say: ['ready', 0],
      join: ['pending', 0],
    });
    const started = (await engine.store.listEvents(run.id)).filter((event) => event.type === 'step.started');
    expect(started.map((event) => [event.stepKey, event.data])).toEqual([
      ['b0', { attempt: 1, resumed: false }],
      ['b1', { attempt: 1, local: true }],
      ['b2', { attempt: 1, local: true }],
    ]);

    const next = await engine.claim(claimOptions(Date.now()));
    const [say] = next.started;
    if (!say) throw new Error('`say` was not handed over');
    await engine.execute(say.run, say.step, new AbortController().signal, null);
    expect(await engine.store.getRun(run.id)).toMatchObject({ status: 'succeeded', outputs: { sum: 2 } });
  });

  it("runs a foreach's iterations of a local node in the unit that expands it, within its concurrency", async () => {
    harness = await createHarness();
    const { engine } = harness;
    const mapped = {
      atom: 1,
      name: 'mapped',
      steps: [
        {
          id: 'each',
          foreach: '{{ [1, 2, 3, 4, 5] }}',
          concurrency: 2,
          uses: 'transform',
          with: { n: '{{ $item * 2 }}' },
        },
        { id: 'sum', uses: 'transform', with: { total: '{{ $sum($steps.each.output.n) }}' } },
      ],
      outputs: { total: '{{ $steps.sum.output.total }}' },
    };
    await harness.run(mapped);
    const registered = await engine.registerWorkflow(mapped);
    const run = await engine.startRun({ workflow: registered.workflowId });

    // The foreach step itself goes to the worker; its expansion runs every iteration and the rest.
    const claim = await engine.claim(claimOptions(Date.now()));
    expect(claim.started.map(({ step }) => step.key)).toEqual(['each']);
    const [each] = claim.started;
    if (!each) throw new Error('the foreach step was not handed over');
    await engine.execute(each.run, each.step, new AbortController().signal, null);
    expect(await engine.store.getRun(run.id)).toMatchObject({ status: 'succeeded', outputs: { total: 30 } });
    const events = await engine.store.listEvents(run.id);
    const iterations = events.filter((event) => event.stepKey?.startsWith('each['));
    expect(iterations.some((event) => event.type === 'step.ready')).toBe(false);
    // One after another in the unit, in item order (never more than `concurrency` at once).
    expect(iterations.map((event) => `${event.type} ${event.stepKey}`)).toEqual([
      'step.started each[0]',
      'step.succeeded each[0]',
      'step.started each[1]',
      'step.succeeded each[1]',
      'step.started each[2]',
      'step.succeeded each[2]',
      'step.started each[3]',
      'step.succeeded each[3]',
      'step.started each[4]',
      'step.succeeded each[4]',
    ]);
  });
});
