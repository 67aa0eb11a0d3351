/**
 * The StorePort conformance suite: every adapter runs these same tests (like Kysely's tests
 * looping over DIALECTS), using only the port, so the SQLite and PostgreSQL adapters are held to
 * one behaviour.
 *
 * In: a name and a factory for a fresh, empty store. Out: vitest `describe`/`it` blocks.
 * Each test gets its own store: the suite calls `migrate()` on it, and `cleanup()` afterwards
 * (which must tolerate a store the test already closed).
 */
import type { StorePort } from '@atom/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheAndWorkerCases } from './cache-worker-cases.js';
import { eventCases } from './event-cases.js';
import { queueCases } from './queue-cases.js';
import { runCases } from './run-cases.js';
import { stepCases } from './step-cases.js';
import { unitCases } from './unit-cases.js';
import { workflowCases } from './workflow-cases.js';

export type MakeStore = () => Promise<{ store: StorePort; cleanup: () => Promise<void> }>;

/** Gives each case the store of the running test. */
export interface StoreHarness {
  readonly store: StorePort;
}

/**
 * Registers the conformance tests for one adapter.
 *
 * @example
 * describeStoreConformance('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'atom-store-'));
 *   const store = createSqliteStore({ file: join(dir, 'atom.db') });
 *   return { store, cleanup: async () => { await store.close(); await rm(dir, { recursive: true }); } };
 * });
 */
export function describeStoreConformance(name: string, makeStore: MakeStore): void {
  describe(`StorePort conformance: ${name}`, () => {
    let current: Awaited<ReturnType<MakeStore>> | undefined;
    const harness: StoreHarness = {
      get store() {
        if (current === undefined) throw new Error('no store: the harness is used outside a test');
        return current.store;
      },
    };

    beforeEach(async () => {
      current = await makeStore();
      await current.store.migrate();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    describe('lifecycle', () => {
      it('migrate() can run again on a migrated store', async () => {
        await harness.store.migrate();
        await harness.store.migrate();
        expect(await harness.store.listRuns()).toEqual([]);
      });
      it('close() resolves', async () => {
        await expect(harness.store.close()).resolves.toBeUndefined();
      });
    });
    describe('atomically', () => unitCases(harness));
    describe('runs', () => runCases(harness));
    describe('steps', () => stepCases(harness));
    describe('queue', () => queueCases(harness));
    describe('events', () => eventCases(harness));
    describe('workflow versions', () => workflowCases(harness));
    describe('cache and workers', () => cacheAndWorkerCases(harness));
  });
}
