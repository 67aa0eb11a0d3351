/**
 * Conformance cases for dedupe keys: at most one run per (workflowId, dedupeKey); a refused insert
 * writes nothing yet leaves its unit usable; units racing for one key (PostgreSQL: each on its own
 * pooled connection) get exactly one true between them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { newRun, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function dedupeCases(h: StoreHarness): void {
  it('inserts one run per workflow and key, and finds it by the key', async () => {
    const first = newRun({ dedupeKey: 'hook:d-1' });
    const again = newRun({ dedupeKey: 'hook:d-1', createdAt: T0 + 1 });
    const otherWorkflow = newRun({ dedupeKey: 'hook:d-1', workflowId: 'wf-2' });
    expect(await h.store.atomically((tx) => tx.insertRun(first))).toBe(true);
    expect(await h.store.atomically((tx) => tx.insertRun(again))).toBe(false);
    expect(await h.store.atomically((tx) => tx.insertRun(otherWorkflow))).toBe(true);
    expect(await h.store.getRun(again.id)).toBeUndefined();
    const found = await h.store.atomically((tx) => tx.findRunByDedupeKey('wf-1', 'hook:d-1'));
    expect(found).toEqual(await h.store.getRun(first.id));
    expect(found?.dedupeKey).toBe('hook:d-1');
    expect((await h.store.atomically((tx) => tx.findRunByDedupeKey('wf-2', 'hook:d-1')))?.id).toBe(otherWorkflow.id);
    expect(await h.store.atomically((tx) => tx.findRunByDedupeKey('wf-1', 'hook:other'))).toBeUndefined();
  });

  it('never dedupes runs without a key', async () => {
    const runs = [newRun(), newRun(), newRun()];
    const inserted = await h.store.atomically(async (tx) => Promise.all(runs.map((run) => tx.insertRun(run))));
    expect(inserted).toEqual([true, true, true]);
    expect(await h.store.listRuns()).toHaveLength(3);
  });

  it('still fails on a duplicate run id', async () => {
    const run = newRun({ dedupeKey: 'k' });
    await h.store.atomically((tx) => tx.insertRun(run));
    await expect(h.store.atomically((tx) => tx.insertRun({ ...run, dedupeKey: 'other' }))).rejects.toThrow();
  });

  it('keeps the unit usable after a refused insert', async () => {
    const first = newRun({ dedupeKey: 'schedule:t:1' });
    await h.store.atomically((tx) => tx.insertRun(first));
    const second = newRun({ dedupeKey: 'schedule:t:1' });
    const winner = await h.store.atomically(async (tx) => {
      expect(await tx.insertRun(second)).toBe(false);
      const existing = await tx.findRunByDedupeKey(second.workflowId, 'schedule:t:1');
      await tx.appendEvents([{ runId: first.id, type: 'run.deduped', stepKey: null, data: null, at: T0 }]);
      return existing?.id;
    });
    expect(winner).toBe(first.id);
    expect((await h.store.listEvents(first.id)).map((e) => e.type)).toEqual(['run.deduped']);
  });

  it('gives exactly one of several racing units the run, and the others find it', async () => {
    const racers = Array.from({ length: 4 }, (_, i) => newRun({ dedupeKey: 'hook:race', createdAt: T0 + i }));
    const outcomes = await Promise.all(
      racers.map((run) =>
        h.store.atomically(async (tx) => {
          const inserted = await tx.insertRun(run);
          // Hold the unit open: the others start (and, on PostgreSQL, block on the key) meanwhile.
          await sleep(30);
          const holder = inserted ? run.id : (await tx.findRunByDedupeKey(run.workflowId, 'hook:race'))?.id;
          return { inserted, holder };
        }),
      ),
    );
    const winners = outcomes.filter((outcome) => outcome.inserted);
    expect(winners).toHaveLength(1);
    const winnerId = racers[outcomes.indexOf(winners[0] as (typeof outcomes)[number])]?.id;
    expect(outcomes.map((outcome) => outcome.holder)).toEqual(racers.map(() => winnerId));
    expect((await h.store.listRuns()).map((run) => run.id)).toEqual([winnerId]);
  });
}
