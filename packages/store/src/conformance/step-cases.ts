/**
 * Conformance cases for steps: every field round-trips, reads by key / scope / run, counts, and
 * the guarded patch (compare-and-set).
 */
import type { StepGuard, StepPatch, StepRecord, StoreTx } from '@atom/engine';
import { expect, it } from 'vitest';
import { newStep, RICH_JSON, seedRun, seedSteps, sortedBy, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const FULL_PATCH: Required<StepPatch> = {
  status: 'waiting',
  attempt: 3,
  dueAt: T0 + 10,
  leaseOwner: 'worker-1',
  leaseToken: 'token-1',
  leaseExpiresAt: T0 + 20,
  input: RICH_JSON,
  output: { $blob: 'sha256:00', size: 12 },
  error: { code: 'ATOM_ERR_NODE_FAILED', message: 'no', retryable: false },
  wait: { kind: 'event', name: 'order.paid', filter: '$.id = "1"', timeoutAt: T0 + 99 },
  resume: { reason: 'event', name: 'order.paid', payload: { id: '1' } },
  itemCount: 7,
  startedAt: T0 + 1,
  finishedAt: T0 + 2,
  completedSeq: 5,
  updatedAt: T0 + 3,
};

const keys = (rows: StepRecord[]) => rows.map((row) => row.key);

export function stepCases(h: StoreHarness): void {
  it('keeps approval waits and decisions, and never takes them for event waiters', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'ok'), newStep('', 'ask')]);
    const wait: StepRecord['wait'] = {
      kind: 'approval',
      approvers: ['ada@example.com', 'role:admin'],
      message: 'Ship order 42?',
      timeoutAt: T0 + 60_000,
    };
    const resume: StepRecord['resume'] = {
      reason: 'approval',
      decision: 'rejected',
      by: 'ada@example.com',
      comment: null,
      at: T0 + 5,
    };
    await h.store.atomically(async (tx) => {
      await tx.updateStep(run.id, 'ask', { status: 'waiting', wait });
      await tx.updateStep(run.id, 'ok', {
        status: 'waiting',
        wait: { ...wait, message: null, timeoutAt: null },
        resume,
      });
    });
    const [ask] = await h.store.getSteps(run.id, ['ask']);
    const [ok] = await h.store.getSteps(run.id, ['ok']);
    expect([ask?.wait, ask?.resume]).toEqual([wait, null]);
    expect([ok?.wait, ok?.resume]).toEqual([{ ...wait, message: null, timeoutAt: null }, resume]);
    expect(await h.store.findEventWaiters('Ship order 42?')).toEqual([]);
  });

  it('reads back a new step with every field, the others at their start values', async () => {
    const run = await seedRun(h.store);
    const step = newStep(run.id, 'loop[2]', {
      stepId: 'loop',
      scope: 'outer',
      kind: 'iteration',
      index: 2,
      status: 'ready',
      dueAt: T0 + 5,
      item: RICH_JSON,
      target: 'charge',
      createdAt: T0 + 4,
    });
    await seedSteps(h.store, [step]);
    const expected: StepRecord = {
      ...step,
      attempt: 0,
      leaseOwner: null,
      leaseToken: null,
      leaseExpiresAt: null,
      input: null,
      output: null,
      error: null,
      wait: null,
      resume: null,
      itemCount: null,
      startedAt: null,
      finishedAt: null,
      completedSeq: null,
      updatedAt: step.createdAt,
    };
    expect(await h.store.listSteps(run.id)).toEqual([expected]);
    expect(await h.store.getSteps(run.id, [step.key])).toEqual([expected]);
    expect(await h.store.atomically((tx) => tx.getSteps(run.id, [step.key]))).toEqual([expected]);
  });

  it('round-trips every patchable field, including JSON values and nulls', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a')]);
    const [before] = await h.store.listSteps(run.id);
    expect(await h.store.atomically((tx) => tx.updateStep(run.id, 'a', FULL_PATCH))).toBe(true);
    expect(await h.store.listSteps(run.id)).toEqual([{ ...before, ...FULL_PATCH }]);

    const cleared: StepPatch = {
      dueAt: null,
      leaseOwner: null,
      leaseToken: null,
      leaseExpiresAt: null,
      input: null,
      output: null,
      error: null,
      wait: null,
      resume: null,
      itemCount: null,
      startedAt: null,
      finishedAt: null,
      completedSeq: null,
    };
    expect(await h.store.atomically((tx) => tx.updateStep(run.id, 'a', cleared))).toBe(true);
    expect(await h.store.listSteps(run.id)).toEqual([{ ...before, ...FULL_PATCH, ...cleared }]);
  });

  it('round-trips foreach items of every JSON kind', async () => {
    const items: unknown[] = ['text', 12, 0.5, true, null, [1, [2]], { a: { b: null } }];
    const run = await seedRun(
      h.store,
      {},
      items.map((item, index) => newStep('', `loop[${index}]`, { kind: 'iteration', index, scope: 'loop', item })),
    );
    const rows = await h.store.atomically((tx) => tx.listScope(run.id, 'loop'));
    expect(rows.map((row) => row.item)).toEqual(items);
  });

  it('gets the existing steps among the keys asked for', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a'), newStep('', 'b'), newStep('', 'c')]);
    const found = await h.store.atomically((tx) => tx.getSteps(run.id, ['c', 'missing', 'a']));
    expect(keys(found).sort()).toEqual(['a', 'c']);
    expect(keys(await h.store.getSteps(run.id, ['b', 'zzz']))).toEqual(['b']);
    expect(await h.store.atomically((tx) => tx.getSteps(run.id, []))).toEqual([]);
    expect(await h.store.getSteps('other-run', ['a'])).toEqual([]);
  });

  it('inserts many steps at once and lists a run by key', async () => {
    const run = await seedRun(h.store);
    const many = Array.from({ length: 1234 }, (_, i) =>
      newStep(run.id, `loop[${i}]`, { scope: 'loop', kind: 'iteration', index: i, item: { i } }),
    );
    await seedSteps(h.store, many);
    await seedSteps(h.store, []);
    const rows = await h.store.listSteps(run.id);
    expect(rows).toHaveLength(1234);
    expect(keys(rows)).toEqual(keys(sortedBy(rows, (row) => row.key)));
    expect(await h.store.atomically((tx) => tx.listRunSteps(run.id))).toEqual(rows);
    expect(await h.store.atomically((tx) => tx.listRunSteps('other-run'))).toEqual([]);
  });

  it('lists a scope by index then key, with status filter and limit', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'b', { index: 0, status: 'ready' }),
      newStep('', 'a', { index: 0, status: 'succeeded' }),
      newStep('', 'loop', { index: 0, status: 'waiting' }),
      newStep('', 'loop[10]', { scope: 'loop', kind: 'iteration', index: 10, status: 'pending' }),
      newStep('', 'loop[2]', { scope: 'loop', kind: 'iteration', index: 2, status: 'succeeded' }),
      newStep('', 'loop[1]', { scope: 'loop', kind: 'iteration', index: 1, status: 'failed' }),
      newStep('', 'loop[2].x', { scope: 'loop[2]', status: 'succeeded' }),
      newStep('', '$compensate[1]', { scope: '$compensate', kind: 'compensation', index: 1, target: 'a' }),
      newStep('', '$compensate[0]', { scope: '$compensate', kind: 'compensation', index: 0, target: 'b' }),
    ]);
    const scope = (name: string, options?: Parameters<StoreTx['listScope']>[2]) =>
      h.store.atomically((tx) => tx.listScope(run.id, name, options)).then(keys);
    expect(await scope('')).toEqual(['a', 'b', 'loop']);
    expect(await scope('loop')).toEqual(['loop[1]', 'loop[2]', 'loop[10]']);
    expect(await scope('loop[2]')).toEqual(['loop[2].x']);
    expect(await scope('$compensate')).toEqual(['$compensate[0]', '$compensate[1]']);
    expect(await scope('loop', { statuses: ['succeeded', 'pending'] })).toEqual(['loop[2]', 'loop[10]']);
    expect(await scope('loop', { statuses: [] })).toEqual([]);
    expect(await scope('loop', { limit: 2 })).toEqual(['loop[1]', 'loop[2]']);
    expect(await scope('loop', { statuses: ['succeeded', 'pending'], limit: 1 })).toEqual(['loop[2]']);
    expect(await scope('nothing')).toEqual([]);
  });

  it('lists the statuses of a scope in scope order', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'b', { index: 1, status: 'pending' }),
      newStep('', 'a', { index: 0, status: 'succeeded' }),
      newStep('', 'loop[0]', { scope: 'loop', index: 0, status: 'ready' }),
    ]);
    const entries = await h.store.atomically((tx) => tx.scopeStatuses(run.id, ''));
    expect(entries).toEqual([
      { key: 'a', stepId: 'a', index: 0, status: 'succeeded', createdAt: T0 },
      { key: 'b', stepId: 'b', index: 1, status: 'pending', createdAt: T0 },
    ]);
    expect(await h.store.atomically((tx) => tx.scopeStatuses(run.id, 'none'))).toEqual([]);
    const some = await h.store.atomically((tx) => tx.statusesOf(run.id, ['loop[0]', 'b', 'missing']));
    expect(some.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'b', stepId: 'b', index: 1, status: 'pending', createdAt: T0 },
      { key: 'loop[0]', stepId: 'loop', index: 0, status: 'ready', createdAt: T0 },
    ]);
    const many = Array.from({ length: 40 }, (_, i) => `k${i}`).concat(['a']);
    expect((await h.store.atomically((tx) => tx.statusesOf(run.id, many))).map((e) => e.key)).toEqual(['a']);
    expect(await h.store.atomically((tx) => tx.statusesOf(run.id, []))).toEqual([]);
  });

  it('counts the steps of a run that are doing or about to do work', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'a', { status: 'ready' }),
      newStep('', 'b', { status: 'retrying' }),
      newStep('', 'c', { status: 'running' }),
      newStep('', 'grp', { status: 'running' }),
      newStep('', 'd', { status: 'waiting' }),
      newStep('', 'e', { status: 'pending' }),
      newStep('', 'f', { status: 'succeeded' }),
    ]);
    await h.store.atomically((tx) => tx.updateStep(run.id, 'c', { leaseToken: 'lease-c', leaseOwner: 'w' }));
    expect(await h.store.atomically((tx) => tx.countActive(run.id))).toBe(3);
    await h.store.atomically((tx) => tx.updateStep(run.id, 'a', { status: 'waiting' }));
    expect(await h.store.atomically((tx) => tx.countActive(run.id))).toBe(2);
  });

  it('counts a scope per status, leaving out statuses with none', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'loop', { status: 'waiting' }),
      newStep('', 'loop[0]', { scope: 'loop', index: 0, status: 'succeeded' }),
      newStep('', 'loop[1]', { scope: 'loop', index: 1, status: 'succeeded' }),
      newStep('', 'loop[2]', { scope: 'loop', index: 2, status: 'failed' }),
      newStep('', 'loop[3]', { scope: 'loop', index: 3, status: 'ready' }),
      newStep('', 'loop[0].x', { scope: 'loop[0]', status: 'ready' }),
    ]);
    const count = (scope: string) => h.store.atomically((tx) => tx.countScope(run.id, scope));
    expect(await count('loop')).toEqual({ succeeded: 2, failed: 1, ready: 1 });
    expect(await count('')).toEqual({ waiting: 1 });
    expect(await count('none')).toEqual({});
  });

  it('applies a guarded patch only while the guard holds', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a', { status: 'running' })]);
    await h.store.atomically((tx) => tx.updateStep(run.id, 'a', { leaseToken: 'lease-1', leaseOwner: 'w1' }));
    const [before] = await h.store.listSteps(run.id);
    const update = (patch: StepPatch, guard?: StepGuard) =>
      h.store.atomically((tx) => tx.updateStep(run.id, 'a', patch, guard));

    expect(await update({ status: 'succeeded', output: 1 }, { statuses: ['ready', 'waiting'] })).toBe(false);
    expect(await update({ status: 'succeeded', output: 1 }, { leaseToken: 'lease-2' })).toBe(false);
    expect(await update({ status: 'succeeded' }, { statuses: ['running'], leaseToken: 'lease-2' })).toBe(false);
    expect(await update({ status: 'succeeded' }, { statuses: ['ready'], leaseToken: 'lease-1' })).toBe(false);
    expect(await update({ status: 'succeeded' }, { statuses: [] })).toBe(false);
    expect(await h.store.listSteps(run.id)).toEqual([before]);

    expect(await update({ status: 'succeeded', output: 1 }, { statuses: ['running'], leaseToken: 'lease-1' })).toBe(
      true,
    );
    expect(await update({ output: 2 }, { leaseToken: 'lease-1' })).toBe(true);
    expect(await update({ completedSeq: 1 }, { statuses: ['succeeded', 'failed'] })).toBe(true);
    const [after] = await h.store.listSteps(run.id);
    expect(after).toEqual({ ...before, status: 'succeeded', output: 2, completedSeq: 1 });
  });

  it('returns the scope entry of a guarded patch, or undefined when the guard fails', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a', { status: 'pending', index: 4 })]);
    const update = (patch: StepPatch, guard?: StepGuard) =>
      h.store.atomically((tx) => tx.updateStepEntry(run.id, 'a', patch, guard));
    expect(await update({ status: 'running' }, { statuses: ['ready'] })).toBeUndefined();
    expect(await update({ status: 'running' }, { statuses: [] })).toBeUndefined();
    expect(await h.store.atomically((tx) => tx.updateStepEntry(run.id, 'nope', {}))).toBeUndefined();
    const entry = await update(FULL_PATCH, { statuses: ['pending'] });
    const [row] = await h.store.listSteps(run.id);
    expect(entry).toEqual({ key: 'a', stepId: row?.stepId, index: 4, status: 'waiting', createdAt: row?.createdAt });
    expect(row).toMatchObject(FULL_PATCH);
  });

  it('reports false for a step that does not exist, and true for an empty patch on one that does', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a')]);
    expect(await h.store.atomically((tx) => tx.updateStep(run.id, 'nope', { status: 'ready' }))).toBe(false);
    expect(await h.store.atomically((tx) => tx.updateStep('nope', 'a', { status: 'ready' }))).toBe(false);
    expect(await h.store.atomically((tx) => tx.updateStep(run.id, 'a', {}))).toBe(true);
    expect(await h.store.atomically((tx) => tx.updateStep(run.id, 'a', {}, { statuses: ['ready'] }))).toBe(false);
  });

  it('leaves fields whose patch value is undefined unchanged', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a', { status: 'ready', dueAt: T0 })]);
    await h.store.atomically((tx) => tx.updateStep(run.id, 'a', { status: 'running', dueAt: undefined }));
    const [row] = await h.store.listSteps(run.id);
    expect([row?.status, row?.dueAt]).toEqual(['running', T0]);
  });
}
