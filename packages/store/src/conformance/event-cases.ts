/**
 * Conformance cases for the run event log: round-trip, id order across units and runs, `afterId`;
 * and the event feed across runs (the stream's replay and tail): filters, pages, cursors, and that
 * a reader never passes an event whose unit has not committed yet.
 */
import type { FeedEvent, NewRunEvent, StorePort } from '@atom/engine';
import { expect, it } from 'vitest';
import { RICH_JSON, seedRun, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const event = (runId: string, type: string): NewRunEvent => ({ runId, type, stepKey: null, data: { type }, at: T0 });

/** Every page from `from` to the end (or `until`), `limit` at a time; the cursor after it. */
async function readAll(store: StorePort, from: string, options: { limit?: number; until?: string } = {}) {
  const events: FeedEvent[] = [];
  let cursor = from;
  for (;;) {
    const page = await store.readEventFeed({
      from: cursor,
      limit: options.limit ?? 100,
      ...(options.until === undefined ? {} : { until: options.until }),
    });
    events.push(...page.events);
    cursor = page.next;
    // Final only once every older transaction (anywhere on the server) ended: read again.
    if (page.pending && options.until === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    else if (page.events.length < (options.limit ?? 100)) return { events, cursor };
  }
}

export function eventCases(h: StoreHarness): void {
  it('reads the feed across runs, by run and by workflow, in pages, resuming after an event id', async () => {
    const start = await h.store.eventFeedCursor(0);
    const one = await seedRun(h.store, { workflowId: 'wf-a' });
    const two = await seedRun(h.store, { workflowId: 'wf-b' });
    await h.store.atomically((tx) => tx.appendEvents([event(one.id, 'a1'), event(two.id, 'b1')]));
    await h.store.atomically((tx) => tx.appendEvents([event(two.id, 'b2')]));
    await h.store.atomically((tx) => tx.appendEvents([event(one.id, 'a2'), event(one.id, 'a3')]));

    const all = await readAll(h.store, start, { limit: 2 });
    expect(all.events.map((e) => e.type)).toEqual(['a1', 'b1', 'b2', 'a2', 'a3']);
    expect(all.events[0]).toMatchObject({ runId: one.id, workflowId: 'wf-a', stepKey: null, data: { type: 'a1' } });
    expect(new Set(all.events.map((e) => e.id)).size).toBe(5);
    const byWorkflow = await h.store.readEventFeed({ from: start, until: all.cursor, workflowId: 'wf-b', limit: 10 });
    expect(byWorkflow.events.map((e) => e.type)).toEqual(['b1', 'b2']);
    const byRun = await h.store.readEventFeed({ from: start, until: all.cursor, runId: one.id, limit: 10 });
    expect(byRun.events.map((e) => e.type)).toEqual(['a1', 'a2', 'a3']);
    expect(byRun.events.map((e) => e.id)).toEqual((await h.store.listEvents(one.id)).map((e) => e.id));

    // Resuming after an event id gives exactly what followed it.
    const b1 = all.events[1] as FeedEvent;
    expect(await h.store.resumeFeedCursor(b1.id, 'default')).toBe(b1.next);
    const resumed = await readAll(h.store, (await h.store.resumeFeedCursor(b1.id, 'default')) as string);
    expect(resumed.events.map((e) => e.type)).toEqual(['b2', 'a2', 'a3']);

    // The end: nothing past it now; what commits later lies past it; `until` stops before it.
    const end = await h.store.eventFeedCursor();
    expect((await readAll(h.store, end)).events).toEqual([]);
    await h.store.atomically((tx) => tx.appendEvents([event(two.id, 'b3')]));
    const later = await readAll(h.store, end);
    expect(later.events.map((e) => e.type)).toEqual(['b3']);
    const upToEnd = await readAll(h.store, start, { until: end });
    expect(upToEnd.events.map((e) => e.type)).toEqual(['a1', 'b1', 'b2', 'a2', 'a3']);
    expect(upToEnd.cursor).toBe(end);
    // Reading on from a page's `next` never repeats an event.
    expect((await readAll(h.store, later.cursor)).events).toEqual([]);
  });

  it('resumes only from a stored event, and not past events retention deleted after it', async () => {
    const finish = (runId: string) =>
      h.store.atomically((tx) => tx.updateRun(runId, { status: 'succeeded', finishedAt: T0, updatedAt: T0 }));
    const kept = await seedRun(h.store);
    const late = await seedRun(h.store);
    const old = await seedRun(h.store);
    const away = await seedRun(h.store, { workspaceId: 'ws-away' });
    for (const run of [old, away]) await finish(run.id);
    await h.store.atomically((tx) =>
      tx.appendEvents([event(kept.id, 'k1'), event(late.id, 'l1'), event(old.id, 'o1')]),
    );
    await h.store.atomically((tx) =>
      tx.appendEvents([event(kept.id, 'k2'), event(old.id, 'o2'), event(away.id, 'w1')]),
    );
    await h.store.atomically((tx) => tx.appendEvents([event(kept.id, 'k3')]));
    const all = await readAll(h.store, await h.store.eventFeedCursor(0));
    expect(all.events.map((e) => e.type)).toEqual(['k1', 'l1', 'o1', 'k2', 'o2', 'w1', 'k3']);
    const [k1, , o1, k2, o2, , k3] = all.events as FeedEvent[];
    const resume = (e: FeedEvent | undefined, workspaceId = 'default') =>
      h.store.resumeFeedCursor(e?.id as number, workspaceId);
    expect(await h.store.resumeFeedCursor(0, 'default')).toBe('0:0');
    expect(await resume(o1)).toBe(o1?.next);
    // An id never handed out has no place in the feed either.
    expect(await h.store.resumeFeedCursor((k3?.id as number) + 1000, 'default')).toBeNull();

    // Another workspace's prune leaves this one's resumes alone.
    expect(await h.store.pruneRuns({ workspaceId: 'ws-away', finishedBefore: T0 + 1, limit: 10 })).toMatchObject({
      runs: 1,
      events: 1,
    });
    expect(await resume(k2)).toBe(k2?.next);
    expect(await resume(k2, 'ws-away')).toBeNull();
    expect(await resume(k3, 'ws-away')).toBe(k3?.next);

    await h.store.pruneRuns({ workspaceId: 'default', finishedBefore: T0 + 1, limit: 10 });
    // The pruned events themselves, and stored events that the pruned o2 came after: gone.
    for (const gone of [o1, o2, k1, k2]) expect(await resume(gone)).toBeNull();
    // After the last pruned event nothing is missing.
    expect(await resume(k3)).toBe(k3?.next);
    // A prune that deleted only earlier events does not move the mark back.
    await finish(late.id);
    expect(await h.store.pruneRuns({ workspaceId: 'default', finishedBefore: T0 + 1, limit: 10 })).toMatchObject({
      runs: 1,
    });
    expect(await resume(k2)).toBeNull();
    expect(await resume(k3)).toBe(k3?.next);
  });

  it('never reads past an event whose unit commits later than a later-drawn one', async () => {
    const one = await seedRun(h.store);
    const two = await seedRun(h.store);
    let cursor = await h.store.eventFeedCursor();
    const seen: FeedEvent[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let appended = () => {};
    const firstAppended = new Promise<void>((resolve) => {
      appended = resolve;
    });
    const first = h.store.atomically(async (tx) => {
      await tx.appendEvents([event(one.id, 'first')]);
      appended();
      await gate;
    });
    await firstAppended;
    // Another run's unit draws a later id and may commit first (PostgreSQL) or wait (SQLite).
    const second = h.store.atomically((tx) => tx.appendEvents([event(two.id, 'second')]));
    const reading = (async () => {
      for (let i = 0; i < 5; i++) {
        const page = await h.store.readEventFeed({ from: cursor, limit: 100 });
        seen.push(...page.events);
        cursor = page.next;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    release();
    await Promise.all([first, second, reading]);
    const rest = await readAll(h.store, cursor);
    seen.push(...rest.events);
    expect(seen.map((e) => e.type).sort()).toEqual(['first', 'second']);
  });

  it('refuses a NUL character in a JSON value on every store (PostgreSQL cannot keep one)', async () => {
    const run = await seedRun(h.store);
    const bad: NewRunEvent = { runId: run.id, type: 'x', stepKey: null, data: { list: ['a\u0000'] }, at: T0 };
    await expect(h.store.atomically((tx) => tx.appendEvents([event(run.id, 'ok'), bad]))).rejects.toMatchObject({
      code: 'ATOM_ERR_VALUE_NUL',
      details: [expect.objectContaining({ path: 'list[0]' })],
    });
    // Nothing of the unit was kept; the text \u0000 is fine.
    expect(await h.store.listEvents(run.id)).toEqual([]);
    await h.store.atomically((tx) => tx.appendEvents([{ ...bad, data: { list: ['a\\u0000'] } }]));
    expect((await h.store.listEvents(run.id)).map((e) => e.data)).toEqual([{ list: ['a\\u0000'] }]);
  });

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
