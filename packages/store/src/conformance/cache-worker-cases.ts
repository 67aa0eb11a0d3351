/**
 * Conformance cases for the result cache (values, expiry, hit/miss counters) and the worker registry.
 */
import type { WorkerRecord } from '@atom/engine';
import { expect, it } from 'vitest';
import { RICH_JSON, sortedBy, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function cacheAndWorkerCases(h: StoreHarness): void {
  it('stores cache values until they expire', async () => {
    expect(await h.store.cacheGet('k', T0)).toBeUndefined();
    await h.store.cacheSet('k', RICH_JSON, T0 + 100);
    expect(await h.store.cacheGet('k', T0)).toEqual({ value: RICH_JSON });
    expect(await h.store.cacheGet('k', T0 + 99)).toEqual({ value: RICH_JSON });
    expect(await h.store.cacheGet('k', T0 + 100)).toBeUndefined();
    await h.store.cacheSet('k', [1, 2], T0 + 200);
    expect(await h.store.cacheGet('k', T0 + 150)).toEqual({ value: [1, 2] });
    await h.store.cacheSet('n', null, T0 + 200);
    expect(await h.store.cacheGet('n', T0)).toEqual({ value: null });
    await h.store.cacheSet('s', 'text', T0 + 200);
    expect(await h.store.cacheGet('s', T0)).toEqual({ value: 'text' });
  });

  it('counts cache hits and misses per node type', async () => {
    expect(await h.store.cacheStats()).toEqual({});
    await h.store.cacheCount('http.request', 'hit');
    await h.store.cacheCount('http.request', 'hit');
    await h.store.cacheCount('http.request', 'miss');
    await Promise.all(Array.from({ length: 5 }, () => h.store.cacheCount('ai.prompt', 'miss')));
    expect(await h.store.cacheStats()).toEqual({
      'http.request': { hits: 2, misses: 1 },
      'ai.prompt': { hits: 0, misses: 5 },
    });
  });

  it('registers, beats and removes workers', async () => {
    const w1: WorkerRecord = {
      id: 'w1',
      host: 'box-a',
      pid: 101,
      version: '0.1.0',
      startedAt: T0,
      heartbeatAt: T0,
      concurrency: 8,
      running: 0,
    };
    const w2: WorkerRecord = {
      id: 'w2',
      host: 'box-b',
      pid: 202,
      version: '0.1.0',
      startedAt: T0 + 1,
      heartbeatAt: T0 + 1,
      concurrency: 32,
      running: 2,
    };
    const list = async () => sortedBy(await h.store.listWorkers(), (w) => w.id);
    expect(await list()).toEqual([]);
    await h.store.registerWorker(w1);
    await h.store.registerWorker(w2);
    expect(await list()).toEqual([w1, w2]);
    // A heartbeat is a register with the new time and load: it replaces the row, never adds one.
    await h.store.registerWorker({ ...w1, heartbeatAt: T0 + 50, running: 5 });
    expect(await list()).toEqual([{ ...w1, heartbeatAt: T0 + 50, running: 5 }, w2]);
    const restarted = { ...w2, pid: 303, startedAt: T0 + 60, heartbeatAt: T0 + 60 };
    await h.store.registerWorker(restarted);
    await h.store.removeWorker('w1');
    await h.store.removeWorker('unknown');
    expect(await list()).toEqual([restarted]);
  });
}
