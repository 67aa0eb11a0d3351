/**
 * Starting runs: the trigger stored with a run, and idempotent starts with a dedupe key
 * (Engine.startRunOnce), within one engine and between two engines sharing a database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const hello = {
  atom: 1,
  name: 'hello',
  inputs: { type: 'object', properties: { who: { type: 'string' } } },
  steps: [{ id: 'greet', uses: 'transform', with: { text: "{{ 'hi ' & $inputs.who }}" } }],
  outputs: { text: '{{ $steps.greet.output.text }}' },
};

async function setUp(): Promise<Harness> {
  harness = await createHarness();
  await harness.engine.registerWorkflow(hello);
  return harness;
}

const createdEvents = (h: Harness) => h.events.filter((event) => event.type === 'run.created');

describe('startRun', () => {
  it('stores a manual trigger by default and no dedupe key', async () => {
    const { engine } = await setUp();
    const run = await engine.startRun({ workflow: 'hello', inputs: { who: 'ada' } });
    expect(run).toMatchObject({ trigger: { kind: 'manual' }, dedupeKey: null, status: 'queued' });
    const again = await engine.startRun({ workflow: 'hello', inputs: { who: 'ada' } });
    expect(again.id).not.toBe(run.id);
  });

  it('gives a child run a child trigger naming its parent run and step', async () => {
    const h = await setUp();
    const parent = {
      atom: 1,
      name: 'parent',
      steps: [{ id: 'call', uses: 'workflow.call', with: { workflow: 'hello', inputs: { who: 'bob' } } }],
    };
    const { run } = await h.run(parent);
    const [child] = await h.engine.store.listRuns({ parentRunId: run.id });
    expect(child).toMatchObject({ trigger: { kind: 'child', runId: run.id, step: 'call' }, dedupeKey: null });
  });
});

describe('startRunOnce', () => {
  it('creates one run per key; a second start returns it, unchanged, and writes nothing', async () => {
    const h = await setUp();
    const trigger = { kind: 'webhook', method: 'POST', path: '/hooks/hello', body: { who: 'ada' } };
    const first = await h.engine.startRunOnce({
      workflow: 'hello',
      inputs: { who: 'ada' },
      trigger,
      dedupeKey: 'hook:1',
    });
    expect(first.created).toBe(true);
    expect(first.run).toMatchObject({ trigger, dedupeKey: 'hook:1' });
    await h.work();
    const eventsBefore = h.events.length;
    const second = await h.engine.startRunOnce({ workflow: 'hello', inputs: { who: 'eve' }, dedupeKey: 'hook:1' });
    expect(second).toMatchObject({
      created: false,
      run: { id: first.run.id, status: 'succeeded', inputs: { who: 'ada' } },
    });
    expect(h.events.length).toBe(eventsBefore);
    expect(await h.engine.store.listRuns({ workflowName: 'hello' })).toHaveLength(1);
  });

  it('returns the existing run without checking the new inputs', async () => {
    const h = await setUp();
    const first = await h.engine.startRunOnce({ workflow: 'hello', inputs: { who: 'ada' }, dedupeKey: 'k' });
    const second = await h.engine.startRunOnce({ workflow: 'hello', inputs: { who: 42 }, dedupeKey: 'k' });
    expect(second).toEqual({ run: expect.objectContaining({ id: first.run.id }), created: false });
    await expect(
      h.engine.startRunOnce({ workflow: 'hello', inputs: { who: 42 }, dedupeKey: 'k2' }),
    ).rejects.toMatchObject({ code: 'ATOM_ERR_RUN_INPUT_INVALID' });
  });

  it('keeps keys apart per workflow', async () => {
    const h = await setUp();
    await h.engine.registerWorkflow({ ...hello, name: 'hello-too' });
    const a = await h.engine.startRunOnce({ workflow: 'hello', dedupeKey: 'same' });
    const b = await h.engine.startRunOnce({ workflow: 'hello-too', dedupeKey: 'same' });
    const c = await h.engine.startRunOnce({ workflow: 'hello', dedupeKey: 'other' });
    expect([a.created, b.created, c.created]).toEqual([true, true, true]);
    expect(new Set([a.run.id, b.run.id, c.run.id]).size).toBe(3);
  });

  it('creates exactly one run when calls with one key race', async () => {
    const h = await setUp();
    const starts = await Promise.all(
      Array.from({ length: 8 }, () => h.engine.startRunOnce({ workflow: 'hello', dedupeKey: 'race' })),
    );
    expect(starts.filter((start) => start.created)).toHaveLength(1);
    expect(new Set(starts.map((start) => start.run.id)).size).toBe(1);
    expect(createdEvents(h)).toHaveLength(1);
  });

  it('creates exactly one run when two engines on one database race', async () => {
    const h = await setUp();
    const other = await h.peer();
    const starts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? h.engine : other).startRunOnce({ workflow: 'hello', dedupeKey: 'shared' }),
      ),
    );
    expect(starts.filter((start) => start.created)).toHaveLength(1);
    expect(new Set(starts.map((start) => start.run.id)).size).toBe(1);
    expect(await h.engine.store.listRuns({ workflowName: 'hello' })).toHaveLength(1);
  });
});

describe('workspaces', () => {
  it("starts a run in the workflow's workspace only, resolving names there, even from the compiled cache", async () => {
    const { engine } = await setUp();
    const other = await engine.registerWorkflow({ ...hello, outputs: { text: 'other' } }, 'ws-b');
    const home = await engine.workflowByName('hello', null);
    expect(other.workflowId).not.toBe(home.workflowId);
    const run = await engine.startRun({ workflow: 'hello', workspaceId: 'ws-b', inputs: { who: 'b' } });
    expect(run).toMatchObject({ workflowId: other.workflowId, workspaceId: 'ws-b' });
    // The compiled copy of default's workflow is cached by id and version; another workspace still
    // does not reach it by id, with or without a version.
    for (const version of [1, undefined]) {
      await expect(
        engine.startRun({ workflow: home.workflowId, workspaceId: 'ws-b', ...(version ? { version } : {}) }),
      ).rejects.toMatchObject({ code: 'ATOM_ERR_WORKFLOW_NOT_FOUND' });
    }
    expect((await engine.startRun({ workflow: home.workflowId, version: 1 })).workspaceId).toBe('default');
  });
});
