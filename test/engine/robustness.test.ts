/**
 * Failure paths that must end cleanly instead of looping or leaking: secrets stay out of stored
 * run data, a stored workflow that no longer compiles fails its run instead of being retried
 * forever, a wait filter that throws fails only its own step, a wait past its timeout is not woken.
 */
import { join } from 'node:path';
import { Engine, type NewRunEvent, VirtualClock } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { createFileBlobStore } from '@atom/store';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('robustness', () => {
  it('keeps secret values out of stored inputs, outputs and run outputs', async () => {
    harness = await createHarness({ secrets: { TOKEN: 's3cr3t-value' } });
    const { run, steps } = await harness.run({
      atom: 1,
      name: 'secrets',
      steps: [
        {
          id: 'echo',
          uses: 'code',
          with: { code: 'return { token: input.text }', input: { text: 'calling with {{ $secrets.TOKEN }}' } },
        },
      ],
      outputs: { leaked: '{{ $steps.echo.output.token }}' },
    });
    expect(run.status).toBe('succeeded');
    expect(JSON.stringify({ run, steps: [...steps.values()] })).not.toContain('s3cr3t-value');
    expect(steps.get('echo')?.input).toMatchObject({ input: { text: 'calling with [redacted]' } });
    expect(run.outputs).toEqual({ leaked: 'calling with [redacted]' });
  });

  it('refuses $secrets anywhere but a node input', async () => {
    harness = await createHarness();
    const result = harness.engine.validate({
      atom: 1,
      name: 'peek',
      steps: [
        { id: 'a', uses: 'transform', with: { ok: '{{ $secrets.TOKEN }}' }, output: '{{ $secrets.TOKEN }}' },
        { id: 'b', if: '{{ $secrets.TOKEN = "x" }}', uses: 'code', with: { code: 'return 1' } },
        { id: 'c', uses: 'code', with: { code: 'return 1', input: '{{ $secrets.TOKEN }}' } },
      ],
      outputs: { direct: '{{ $secrets.TOKEN }}' },
    });
    expect(result.errors.map((error) => error.path).sort()).toEqual([
      'outputs.direct',
      'steps[0].output',
      'steps[0].with.ok',
      'steps[1].if',
    ]);
    expect(result.errors.every((error) => error.code === 'ATOM_ERR_SPEC_EXPRESSION')).toBe(true);
  });

  it('refuses $secrets in the with of the nodes that copy their input (transform, log, respond, fail, approval)', async () => {
    harness = await createHarness();
    const copying = {
      transform: { v: '{{ $secrets.TOKEN }}' },
      log: { message: 'key {{ $secrets.TOKEN }}' },
      respond: { headers: { 'x-key': '{{ $secrets.TOKEN }}' } },
      fail: { message: '{{ $secrets.TOKEN }}' },
      approval: { message: 'approve {{ $secrets.TOKEN }}' },
    };
    const steps = Object.entries(copying).map(([uses, input], index) => ({ id: `s${index}`, uses, with: input }));
    const compensated = {
      id: 'undo',
      uses: 'code',
      with: { code: 'return 1', input: '{{ $secrets.TOKEN }}' },
      compensate: { uses: 'log', with: { message: '{{ $secrets.TOKEN }}' } },
    };
    const result = harness.engine.validate({ atom: 1, name: 'copies', steps: [...steps, compensated] });
    expect(result.errors.map((error) => error.path)).toEqual([
      'steps[0].with.v',
      'steps[1].with.message',
      'steps[2].with.headers.x-key',
      'steps[3].with.message',
      'steps[4].with.message',
      'steps[5].compensate.with.message',
    ]);
    expect(result.errors[1]?.message).toMatch(/^\$secrets cannot be read in the with of log, which copies its input/);
  });

  it('fails a run whose stored workflow no longer compiles, instead of retrying it forever', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-05T09:00:00Z'));
    harness = await createHarness({ clock, options: { leaseMs: 1_000 } });
    const registered = await harness.engine.registerWorkflow({
      atom: 1,
      name: 'old',
      steps: [{ id: 'a', uses: 'test.big', with: { bytes: 1 } }],
    });
    const started = await harness.engine.startRun({ workflow: registered.workflowId });
    // After an upgrade, the node type `test.big` is gone.
    const upgraded = new Engine({
      store: harness.engine.store,
      blobs: createFileBlobStore(join(harness.dir, 'blobs')),
      clock,
      nodes: createNodeRegistry(builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 500 } })),
      options: { leaseMs: 1_000 },
    });
    const events: NewRunEvent[] = [];
    upgraded.onEvents((batch) => events.push(...batch));
    await upgraded.createWorker({ id: 'upgraded' }).run({
      stopWhenIdle: true,
      until: () => events.some((e) => e.type === 'run.failed'),
    });
    const run = await upgraded.store.getRun(started.id);
    expect(run?.status).toBe('failed');
    expect(run?.error?.code).toBe('ATOM_ERR_SPEC_INVALID');
    expect((await upgraded.store.listSteps(started.id))[0]).toMatchObject({ status: 'failed', attempt: 1 });
  });

  it('fails only the wait whose filter throws; other waiters of the event are woken', async () => {
    harness = await createHarness();
    const { engine } = harness;
    const bad = await engine.registerWorkflow({
      atom: 1,
      name: 'bad-filter',
      steps: [{ id: 'w', uses: 'wait', with: { event: 'go', if: '{{ $number($event.text) > 1 }}' } }],
    });
    const good = await engine.registerWorkflow({
      atom: 1,
      name: 'plain-wait',
      steps: [{ id: 'w', uses: 'wait', with: { event: 'go' } }],
    });
    const badRun = await engine.startRun({ workflow: bad.workflowId });
    const goodRun = await engine.startRun({ workflow: good.workflowId });
    await harness.work();
    expect(await engine.raiseEvent('go', { text: 'not a number' })).toBe(1);
    await harness.work();
    expect((await engine.store.getRun(badRun.id))?.status).toBe('failed');
    expect((await engine.store.getRun(badRun.id))?.error?.code).toBe('ATOM_ERR_EXPR_EVAL');
    expect((await engine.store.getRun(goodRun.id))?.status).toBe('succeeded');
  });

  it('does not wake a wait whose timeout has passed, even before a worker saw it', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-05T09:00:00Z'));
    harness = await createHarness({ clock });
    const { engine } = harness;
    const wf = await engine.registerWorkflow({
      atom: 1,
      name: 'late',
      steps: [{ id: 'w', uses: 'wait', with: { event: 'go', timeout: '1m' } }],
    });
    const run = await engine.startRun({ workflow: wf.workflowId });
    await harness.work(() => harness?.events.some((e) => e.type === 'step.waiting') ?? false);
    clock.advance(120_000);
    expect(await engine.raiseEvent('go', {})).toBe(0);
    await harness.work(() => harness?.events.some((e) => e.runId === run.id && e.type === 'run.failed') ?? false);
    expect((await engine.store.getRun(run.id))?.error?.code).toBe('ATOM_ERR_WAIT_TIMEOUT');
  });
});
