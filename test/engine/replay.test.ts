/**
 * Engine.replayRun where the fixtures cannot reach: refusals, the original trigger kept for
 * `$trigger`, blob references copied as stored, and a replay the planner finishes at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const order = {
  atom: 1,
  name: 'order',
  inputs: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
  steps: [
    { id: 'big', uses: 'test.big', with: { bytes: 300_000 } },
    { id: 'echo', uses: 'transform', with: { id: '{{ $trigger.body.id }}', size: '{{ $length($steps.big.output) }}' } },
  ],
  outputs: { echo: '{{ $steps.echo.output }}' },
};

async function finished(h: Harness, runId: string): Promise<void> {
  await h.work(() => h.events.some((e) => e.runId === runId && ['run.succeeded', 'run.failed'].includes(e.type)));
}

async function original(h: Harness): Promise<string> {
  await h.engine.registerWorkflow(order);
  const trigger = { kind: 'webhook', method: 'POST', path: '/hooks/order', body: { id: 'A-1' } };
  const run = await h.engine.startRun({ workflow: 'order', inputs: { n: 1 }, trigger });
  await finished(h, run.id);
  return run.id;
}

describe('replayRun', () => {
  it('keeps the original trigger for $trigger, adds replayOf, and copies blob references as stored', async () => {
    harness = await createHarness();
    const h = harness;
    const first = await original(h);
    const replay = await h.engine.replayRun(first, { fromStep: 'echo' });
    expect(replay).toMatchObject({
      workflowName: 'order',
      version: 1,
      inputs: { n: 1 },
      dedupeKey: null,
      parentRunId: null,
      trigger: { kind: 'webhook', body: { id: 'A-1' }, replayOf: { runId: first, fromStep: 'echo' } },
    });
    await finished(h, replay.id);
    const ended = await h.engine.store.getRun(replay.id);
    expect(await h.engine.loadValue(ended?.outputs)).toEqual({ echo: { id: 'A-1', size: 300_000 } });
    const [before] = await h.engine.store.getSteps(first, ['big']);
    const [after] = await h.engine.store.getSteps(replay.id, ['big']);
    expect(after?.output).toMatchObject({ $blob: expect.any(String) });
    expect(after?.output).toEqual(before?.output);
    const replayed = (await h.engine.store.listEvents(replay.id)).find((e) => e.type === 'run.replayed');
    expect(replayed?.data).toEqual({ replayOf: { runId: first, fromStep: 'echo' }, reused: ['big'] });
  });

  it('refuses an unknown run, version or step, and inputs the target version does not accept', async () => {
    harness = await createHarness();
    const h = harness;
    const first = await original(h);
    await expect(h.engine.replayRun('nope')).rejects.toMatchObject({ code: 'ATOM_ERR_RUN_NOT_FOUND' });
    await expect(h.engine.replayRun(first, { version: 9 })).rejects.toMatchObject({
      code: 'ATOM_ERR_WORKFLOW_NOT_FOUND',
    });
    await expect(h.engine.replayRun(first, { fromStep: 'nope' })).rejects.toMatchObject({
      code: 'ATOM_ERR_REPLAY_STEP_UNKNOWN',
      status: 422,
    });
    const stricter = { ...order, inputs: { type: 'object', required: ['m'] } };
    const v2 = await h.engine.registerWorkflow(stricter);
    await expect(h.engine.replayRun(first, { version: v2.version })).rejects.toMatchObject({
      code: 'ATOM_ERR_RUN_INPUT_INVALID',
    });
    expect(await h.engine.store.listRuns({ workflowName: 'order' })).toHaveLength(1);
  });

  it('ends a replay at once when the planner skips every step left', async () => {
    harness = await createHarness();
    const h = harness;
    const skipping = {
      atom: 1,
      name: 'skipping',
      steps: [
        { id: 'a', if: '{{ false }}', uses: 'transform', with: { x: 1 } },
        { id: 'b', uses: 'transform', with: { y: 2 } },
      ],
    };
    const { run } = await h.run(skipping);
    expect(run.status).toBe('succeeded');
    const replay = await h.engine.replayRun(run.id, { fromStep: 'b' });
    expect(replay.status).toBe('succeeded');
    const steps = await h.engine.store.listSteps(replay.id);
    expect(steps.map((step) => [step.key, step.status])).toEqual([
      ['a', 'skipped'],
      ['b', 'skipped'],
    ]);
  });
});
