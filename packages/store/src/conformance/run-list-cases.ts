/**
 * Conformance cases for listRuns: newest first (`createdAt` desc, then `id` desc), every filter
 * alone and together, and keyset paging with `after` that returns each run exactly once.
 */
import type { RunFilter, RunRecord } from '@atom/engine';
import { expect, it } from 'vitest';
import { seedRun, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const ids = (runs: readonly RunRecord[]): string[] => runs.map((run) => run.id);

/** The listing order, written out: newest first, ties by id, larger first (ids are ASCII here). */
function newestFirst(runs: readonly RunRecord[]): string[] {
  return [...runs]
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((run) => run.id);
}

export function runListCases(h: StoreHarness): void {
  /** Reads every page of `filter` with `limit` runs each, following the cursor. */
  async function allPages(filter: RunFilter, limit: number): Promise<{ pages: number; ids: string[] }> {
    const seen: string[] = [];
    let after: RunFilter['after'];
    for (let pages = 1; ; pages++) {
      const page = await h.store.listRuns({ ...filter, limit, ...(after === undefined ? {} : { after }) });
      seen.push(...ids(page));
      const last = page.at(-1);
      if (page.length < limit || last === undefined) return { pages, ids: seen };
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  it('lists runs newest first, ties broken by id', async () => {
    const a = await seedRun(h.store, { id: 'run-a', createdAt: T0 });
    const b = await seedRun(h.store, { id: 'run-b', createdAt: T0 + 2 });
    const c = await seedRun(h.store, { id: 'run-c', createdAt: T0 + 1 });
    const d = await seedRun(h.store, { id: 'run-d', createdAt: T0 + 1 });
    const B = await seedRun(h.store, { id: 'run-B', createdAt: T0 + 1 });
    expect(ids(await h.store.listRuns())).toEqual([b.id, d.id, c.id, B.id, a.id]);
    expect(ids(await h.store.listRuns({ limit: 2 }))).toEqual([b.id, d.id]);
  });

  it('lists runs by status, workflow, trigger kind and parent', async () => {
    const a = await seedRun(h.store, { status: 'running', workflowName: 'orders', createdAt: T0 });
    const b = await seedRun(h.store, {
      status: 'queued',
      workflowName: 'orders',
      trigger: { kind: 'webhook', path: 'in' },
      createdAt: T0 + 1,
    });
    const c = await seedRun(h.store, {
      status: 'succeeded',
      workflowId: 'wf-2',
      workflowName: 'billing',
      trigger: { kind: 'child', parentRunId: a.id },
      parentRunId: a.id,
      parentStepKey: 'call',
      createdAt: T0 + 2,
    });
    // Triggers without a kind (or not even an object) list under no kind.
    const d = await seedRun(h.store, {
      workflowId: 'wf-2',
      workflowName: 'misc',
      trigger: ['webhook'],
      createdAt: T0 + 3,
    });
    const e = await seedRun(h.store, { workflowId: 'wf-2', workflowName: 'misc', trigger: null, createdAt: T0 + 4 });
    const list = async (filter: RunFilter) => ids(await h.store.listRuns(filter));
    expect(await list({})).toEqual([e.id, d.id, c.id, b.id, a.id]);
    expect(await list({ status: ['running', 'succeeded'] })).toEqual([c.id, a.id]);
    expect(await list({ status: [] })).toEqual([]);
    expect(await list({ workflowName: 'orders' })).toEqual([b.id, a.id]);
    expect(await list({ workflowId: 'wf-2' })).toEqual([e.id, d.id, c.id]);
    expect(await list({ workflowId: 'nope' })).toEqual([]);
    expect(await list({ triggerKind: 'manual' })).toEqual([a.id]);
    expect(await list({ triggerKind: 'webhook' })).toEqual([b.id]);
    expect(await list({ triggerKind: 'child', workflowId: 'wf-2' })).toEqual([c.id]);
    expect(await list({ triggerKind: 'schedule' })).toEqual([]);
    expect(await list({ parentRunId: a.id })).toEqual([c.id]);
    expect(await list({ parentRunId: null })).toEqual([e.id, d.id, b.id, a.id]);
    expect(await list({ workflowName: 'orders', status: ['queued'] })).toEqual([b.id]);
    expect(await list({ after: { createdAt: c.createdAt, id: c.id } })).toEqual([b.id, a.id]);
    expect(await list({ workflowId: 'wf-2', after: { createdAt: d.createdAt, id: d.id }, limit: 5 })).toEqual([c.id]);
    expect((await h.store.listRuns({ workflowName: 'billing' }))[0]).toEqual(await h.store.getRun(c.id));
  });

  it('lists runs created in a time window, start inclusive and end exclusive, with other filters', async () => {
    const at = [0, 10, 20, 30, 40];
    const runs = [];
    for (const [i, offset] of at.entries()) {
      runs.push(await seedRun(h.store, { createdAt: T0 + offset, status: i % 2 === 0 ? 'failed' : 'succeeded' }));
    }
    const [a, b, c, d, e] = runs.map((run) => run.id);
    const list = async (filter: RunFilter) => ids(await h.store.listRuns(filter));
    expect(await list({ createdFrom: T0 + 10 })).toEqual([e, d, c, b]);
    expect(await list({ createdTo: T0 + 30 })).toEqual([c, b, a]);
    expect(await list({ createdFrom: T0 + 10, createdTo: T0 + 40 })).toEqual([d, c, b]);
    expect(await list({ createdFrom: T0 + 10, createdTo: T0 + 10 })).toEqual([]);
    expect(await list({ createdFrom: T0, status: ['failed'] })).toEqual([e, c, a]);
    expect(await list({ createdFrom: T0 + 5, createdTo: T0 + 45, status: ['failed', 'succeeded'], limit: 2 })).toEqual([
      e,
      d,
    ]);
    const after = { createdAt: T0 + 30, id: d as string };
    expect(await list({ createdFrom: T0 + 10, status: ['failed'], after })).toEqual([c]);
  });

  it('pages through every run exactly once, newest first, with the after cursor', async () => {
    const runs: RunRecord[] = [];
    for (let i = 0; i < 23; i++) {
      // Few distinct times: most page boundaries fall inside a run of equal createdAt.
      const run = await seedRun(h.store, {
        createdAt: T0 + (i % 4),
        workflowId: i % 3 === 0 ? 'wf-3' : 'wf-1',
        trigger: { kind: i % 2 === 0 ? 'schedule' : 'manual' },
      });
      runs.push((await h.store.getRun(run.id)) as RunRecord);
    }
    const everything = newestFirst(runs);
    expect(ids(await h.store.listRuns())).toEqual(everything);
    for (const limit of [1, 4, 5, 23, 50]) {
      const { ids: paged, pages } = await allPages({}, limit);
      expect(paged).toEqual(everything);
      expect(pages).toBe(Math.floor(23 / limit) + 1);
    }
    const ofWorkflow = newestFirst(runs.filter((r) => r.workflowId === 'wf-1'));
    expect((await allPages({ workflowId: 'wf-1', status: ['queued'] }, 3)).ids).toEqual(ofWorkflow);
    const schedules = newestFirst(runs.filter((r) => (r.trigger as { kind: string }).kind === 'schedule'));
    expect((await allPages({ triggerKind: 'schedule' }, 2)).ids).toEqual(schedules);
  });

  it('takes a cursor that names no stored run', async () => {
    const old = await seedRun(h.store, { id: 'run-m', createdAt: T0 });
    const young = await seedRun(h.store, { id: 'run-z', createdAt: T0 + 10 });
    expect(ids(await h.store.listRuns({ after: { createdAt: T0 + 5, id: 'zzz' } }))).toEqual([old.id]);
    expect(ids(await h.store.listRuns({ after: { createdAt: T0, id: 'run-n' } }))).toEqual([old.id]);
    expect(ids(await h.store.listRuns({ after: { createdAt: T0, id: 'run-m' } }))).toEqual([]);
    expect(ids(await h.store.listRuns({ after: { createdAt: T0 + 11, id: '' } }))).toEqual([young.id, old.id]);
  });
}
