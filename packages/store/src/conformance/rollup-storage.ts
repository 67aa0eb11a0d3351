/**
 * The dashboard's rollup as stored (ADR 0020), for both adapters' own tests: they look under the
 * store with SQL, which the port-only conformance suite cannot. Whole minutes are read from
 * step_minutes once rolled up (the raw events can go and the figures stay); retention deletes a
 * workspace's rolled-up minutes before its cutoff and no other workspace's.
 *
 * In: a migrated store that settles at once and a way to run SQL on its database. Out: vitest checks.
 */
import type { NewRunEvent } from '@atom/engine';
import { expect } from 'vitest';
import type { AtomStore } from '../control/atom-store.js';
import { seedRun, T0 } from './fixtures.js';

export type RunSql = (text: string) => Promise<Record<string, unknown>[]>;

const MINUTE = 60_000;
/** The first whole minute after T0. */
const M0 = Math.ceil(T0 / MINUTE) * MINUTE;

export async function expectRollupStorage(store: AtomStore, sql: RunSql): Promise<void> {
  const a = await seedRun(store, { createdAt: M0, status: 'succeeded' });
  const b = await seedRun(store, { createdAt: M0, workspaceId: 'ws-b', status: 'succeeded' });
  await store.atomically((tx) => tx.updateRun(a.id, { finishedAt: M0 + 10 * MINUTE, updatedAt: M0 + 10 * MINUTE }));
  await store.atomically((tx) => tx.updateRun(b.id, { finishedAt: M0 + 10 * MINUTE, updatedAt: M0 + 10 * MINUTE }));
  const events: NewRunEvent[] = [];
  for (let i = 0; i < 10; i++) {
    for (const run of [a, b]) {
      const data = { attempt: 1, nodeType: 'http.request', durationMs: 100 + i * 10 };
      events.push({ runId: run.id, type: 'step.succeeded', stepKey: `s${i}`, data, at: M0 + i * MINUTE + 5 });
    }
  }
  await store.atomically((tx) => tx.appendEvents(events));
  const window = { from: M0, to: M0 + 10 * MINUTE, bucketMs: MINUTE, nodeTypes: 10, workspaceId: 'default' };
  const before = await store.runActivity(window);
  expect(before.steps).toEqual({ count: 10, p50Ms: 141, p95Ms: 190, maxMs: 190 });

  const [state] = await sql('select rolled_to as "rolledTo", (select max(id) from run_events) as top from step_rollup');
  expect(Number(state?.rolledTo)).toBe(Number(state?.top));
  expect(Number((await sql('select count(*) as n from step_minutes'))[0]?.n)).toBe(20);
  // The figures of whole minutes no longer need the events.
  await sql('delete from run_events');
  expect((await store.runActivity(window)).steps).toEqual(before.steps);

  // Retention in `default` with a cutoff 5½ minutes in: its first five minutes go, ws-b keeps all ten.
  await store.pruneRuns({ workspaceId: 'default', finishedBefore: M0 + 5 * MINUTE + 30_000, limit: 100 });
  const left = await sql(
    'select workspace_id as ws, count(*) as n from step_minutes group by workspace_id order by ws',
  );
  expect(left.map((r) => [r.ws, Number(r.n)])).toEqual([
    ['default', 5],
    ['ws-b', 10],
  ]);
  expect((await store.runActivity(window)).steps.count).toBe(5);
}
