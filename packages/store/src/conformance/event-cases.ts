/**
 * Conformance cases for the run event log: round-trip, id order across units and runs, `afterId`.
 */
import type { NewRunEvent } from '@atom/engine';
import { expect, it } from 'vitest';
import { RICH_JSON, seedRun, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function eventCases(h: StoreHarness): void {
  it('appends events and lists them with increasing ids', async () => {
    const run = await seedRun(h.store);
    const events: NewRunEvent[] = [
      { runId: run.id, type: 'run.started', stepKey: null, data: null, at: T0 },
      { runId: run.id, type: 'step.succeeded', stepKey: 'loop[1].a', data: RICH_JSON, at: T0 + 1 },
      { runId: run.id, type: 'step.failed', stepKey: 'b', data: ['x', 1], at: T0 + 2 },
    ];
    await h.store.atomically((tx) => tx.appendEvents(events));
    await h.store.atomically((tx) => tx.appendEvents([]));
    const listed = await h.store.listEvents(run.id);
    expect(listed.map(({ id: _id, ...rest }) => rest)).toEqual(events);
    const ids = listed.map((e) => e.id);
    expect(ids.every((id, i) => Number.isInteger(id) && (i === 0 || id > (ids[i - 1] as number)))).toBe(true);
  });

  it('orders ids over the whole store and filters by afterId', async () => {
    const one = await seedRun(h.store);
    const two = await seedRun(h.store);
    const event = (runId: string, n: number): NewRunEvent => ({
      runId,
      type: `e${n}`,
      stepKey: null,
      data: { n },
      at: T0 + n,
    });
    await h.store.atomically((tx) => tx.appendEvents([event(one.id, 1), event(two.id, 2)]));
    await h.store.atomically((tx) => tx.appendEvents([event(one.id, 3)]));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => h.store.atomically((tx) => tx.appendEvents([event(two.id, 10 + i)]))),
    );
    await h.store.atomically((tx) => tx.appendEvents([event(two.id, 4), event(one.id, 5)]));

    const ofOne = await h.store.listEvents(one.id);
    const ofTwo = await h.store.listEvents(two.id);
    expect(ofOne.map((e) => e.type)).toEqual(['e1', 'e3', 'e5']);
    expect(ofTwo).toHaveLength(12);
    const all = [...ofOne, ...ofTwo].sort((a, b) => a.id - b.id);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const idOf = (type: string) => all.find((e) => e.type === type)?.id as number;
    expect(idOf('e1')).toBeLessThan(idOf('e2'));
    expect(idOf('e2')).toBeLessThan(idOf('e3'));
    expect(idOf('e3')).toBeLessThan(idOf('e10'));
    expect(idOf('e19')).toBeLessThan(idOf('e4'));
    expect(idOf('e4')).toBeLessThan(idOf('e5'));

    const first = ofOne[0]?.id as number;
    expect((await h.store.listEvents(one.id, first)).map((e) => e.type)).toEqual(['e3', 'e5']);
    expect(await h.store.listEvents(one.id, ofOne[2]?.id)).toEqual([]);
    expect(await h.store.listEvents(one.id, 0)).toEqual(ofOne);
    expect(await h.store.listEvents('none')).toEqual([]);
  });
}
