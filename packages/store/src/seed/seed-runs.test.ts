import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqliteStore } from '../sqlite/sqlite-store.js';
import { seedRunStatus, seedRuns } from './seed-runs.js';

const NEWEST = Date.UTC(2026, 0, 10, 12, 0, 0);
const COUNT = 20;

describe('seedRuns', () => {
  let dir: string;
  let store: SqliteStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atom-seed-'));
    store = createSqliteStore({ file: join(dir, 'atom.db') });
    await store.migrate();
    await seedRuns(store, {
      count: COUNT,
      workflows: [
        { workflowId: 'wf-a', name: 'a', version: 1 },
        { workflowId: 'wf-b', name: 'b', version: 2 },
      ],
      newest: NEWEST,
      stepNodeTypes: ['http.request', 'transform'],
    });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('spreads the runs back from the newest, three to a createdAt, in the status rotation', async () => {
    const runs = await store.listRuns({ limit: COUNT + 1 });
    expect(runs.map((r) => r.id)).toEqual(
      Array.from({ length: COUNT }, (_, i) => `seed-${String(COUNT - 1 - i).padStart(2, '0')}`),
    );
    expect(runs.slice(0, 4).map((r) => r.createdAt)).toEqual([NEWEST, NEWEST, NEWEST, NEWEST - 1000]);
    expect(runs.map((r) => r.status)).toEqual(runs.map((r) => seedRunStatus(Number(r.id.slice(5)), COUNT)));
    expect(runs.slice(0, 3).map((r) => r.status)).toEqual(['running', 'waiting', 'queued']);
    expect(runs.find((r) => r.id === 'seed-01')?.workflowId).toBe('wf-b');
  });

  it('gives started runs a start, ended runs an end, and the queued one neither', async () => {
    const queued = await store.getRun('seed-17');
    expect([queued?.startedAt, queued?.finishedAt]).toEqual([null, null]);
    const running = await store.getRun('seed-19');
    expect(running?.startedAt).toBe((running?.createdAt ?? 0) + 5);
    expect(running?.finishedAt).toBeNull();
    const failed = await store.getRun('seed-02');
    expect(failed?.status).toBe('failed');
    expect(failed?.finishedAt).toBeGreaterThan(failed?.startedAt ?? Number.POSITIVE_INFINITY);
  });

  it('records a step end per node type for each started run, the last one failed in a failed run', async () => {
    const ends = async (id: string) => (await store.listEvents(id)).map((e) => [e.type, e.stepKey]);
    expect(await ends('seed-02')).toEqual([
      ['step.succeeded', 's0'],
      ['step.failed', 's1'],
    ]);
    expect(await ends('seed-00')).toEqual([
      ['step.succeeded', 's0'],
      ['step.succeeded', 's1'],
    ]);
    expect(await ends('seed-17')).toEqual([]);
    const activity = await store.runActivity({
      from: NEWEST - 3_600_000,
      to: NEWEST + 60_000,
      bucketMs: 60_000,
      nodeTypes: 10,
    });
    const byType = Object.fromEntries(activity.nodeTypes.map((t) => [t.nodeType, t.count]));
    expect(byType).toEqual({ 'http.request': COUNT - 1, transform: COUNT - 1 });
  });
});
