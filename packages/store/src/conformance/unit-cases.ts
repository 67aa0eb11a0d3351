/**
 * Conformance cases for `atomically`: all or nothing, the callback's value and error, and units
 * that touch the same run running one after the other.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { newRun, newStep, seedRun, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function unitCases(h: StoreHarness): void {
  it('commits everything the callback did and returns its value', async () => {
    const run = newRun();
    const value = await h.store.atomically(async (tx) => {
      await tx.insertRun(run);
      await tx.insertSteps([newStep(run.id, 'a')]);
      await tx.appendEvents([{ runId: run.id, type: 'run.queued', stepKey: null, data: null, at: T0 }]);
      return { ok: 1 };
    });
    expect(value).toEqual({ ok: 1 });
    expect((await h.store.getRun(run.id))?.id).toBe(run.id);
    expect(await h.store.listSteps(run.id)).toHaveLength(1);
    expect(await h.store.listEvents(run.id)).toHaveLength(1);
  });

  it('keeps nothing of a unit that throws, and rethrows the same error', async () => {
    const run = newRun();
    const boom = new Error('boom');
    const unit = h.store.atomically(async (tx) => {
      await tx.insertRun(run);
      await tx.insertSteps([newStep(run.id, 'a'), newStep(run.id, 'b')]);
      await tx.appendEvents([{ runId: run.id, type: 'run.queued', stepKey: null, data: null, at: T0 }]);
      expect((await tx.getRun(run.id))?.id).toBe(run.id);
      throw boom;
    });
    await expect(unit).rejects.toBe(boom);
    expect(await h.store.getRun(run.id)).toBeUndefined();
    expect(await h.store.listSteps(run.id)).toEqual([]);
    expect(await h.store.listEvents(run.id)).toEqual([]);
  });

  it('undoes updates of a unit that throws', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a', { status: 'ready', dueAt: T0 })]);
    const before = await h.store.listSteps(run.id);
    await expect(
      h.store.atomically(async (tx) => {
        await tx.updateRun(run.id, { status: 'running', updatedAt: T0 + 1 });
        await tx.nextSeq(run.id);
        expect(await tx.updateStep(run.id, 'a', { status: 'succeeded', output: 1 })).toBe(true);
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    const after = await h.store.getRun(run.id);
    expect(after?.status).toBe('queued');
    expect(after?.seq).toBe(0);
    expect(await h.store.listSteps(run.id)).toEqual(before);
  });

  it('keeps nothing of a unit whose write fails (duplicate step key)', async () => {
    const run = await seedRun(h.store, {}, [newStep('', 'a')]);
    await expect(
      h.store.atomically(async (tx) => {
        await tx.updateRun(run.id, { status: 'running' });
        await tx.insertSteps([newStep(run.id, 'b'), newStep(run.id, 'a')]);
      }),
    ).rejects.toThrow();
    expect((await h.store.getRun(run.id))?.status).toBe('queued');
    expect((await h.store.listSteps(run.id)).map((s) => s.key)).toEqual(['a']);
  });

  it('serialises units that read and then write the same run (no lost update)', async () => {
    const run = await seedRun(h.store, {});
    const units = Array.from({ length: 20 }, () =>
      h.store.atomically(async (tx) => {
        const current = await tx.getRun(run.id);
        const n = (current?.outputs as { n?: number } | null)?.n ?? 0;
        await sleep(1);
        await tx.updateRun(run.id, { outputs: { n: n + 1 } });
        return tx.nextSeq(run.id);
      }),
    );
    const seqs = await Promise.all(units);
    expect((await h.store.getRun(run.id))?.outputs).toEqual({ n: 20 });
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('lets other calls proceed once a slow unit ends (no deadlock)', async () => {
    const run = newRun();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const unit = h.store.atomically(async (tx) => {
      await tx.insertRun(run);
      await gate;
    });
    const reads = Promise.all([h.store.getRun(run.id), h.store.listRuns(), h.store.nextDueAt()]);
    const other = h.store.atomically((tx) => tx.getRun(run.id));
    await sleep(20);
    release();
    await Promise.all([unit, reads, other]);
    expect((await h.store.getRun(run.id))?.id).toBe(run.id);
  });
}
