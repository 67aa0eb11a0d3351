/**
 * The StorePort and ControlStore conformance suite: every adapter runs these same tests (like Kysely's tests
 * looping over DIALECTS), using only the port, so the SQLite and PostgreSQL adapters are held to
 * one behaviour.
 *
 * In: a name and a factory for a fresh, empty store. Out: vitest `describe`/`it` blocks.
 * Each test gets its own store: the suite calls `migrate()` on it, and `cleanup()` afterwards
 * (which must tolerate a store the test already closed).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AtomStore } from '../control/atom-store.js';
import { auditCases } from './audit-cases.js';
import { cacheAndWorkerCases } from './cache-worker-cases.js';
import { catalogueCases } from './catalogue-cases.js';
import { dedupeCases } from './dedupe-cases.js';
import { eventCases } from './event-cases.js';
import { memberCases } from './member-cases.js';
import { queueCases } from './queue-cases.js';
import { runCases } from './run-cases.js';
import { runListCases } from './run-list-cases.js';
import { scheduleCases } from './schedule-cases.js';
import { secretCases } from './secret-cases.js';
import { sessionCases } from './session-cases.js';
import { activityCases, rollupCases, statsCases } from './stats-cases.js';
import { stepCases } from './step-cases.js';
import { unitCases } from './unit-cases.js';
import { userCases } from './user-cases.js';
import { workflowCases } from './workflow-cases.js';
import { workspaceCases } from './workspace-cases.js';

/** What every adapter's store is: both ports on one object (and one database). */
export type Store = AtomStore;

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** Gives each case the store of the running test. */
export interface StoreHarness {
  readonly store: Store;
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
    describe('run listing', () => runListCases(harness));
    describe('run dedupe keys', () => dedupeCases(harness));
    describe('steps', () => stepCases(harness));
    describe('queue', () => queueCases(harness));
    describe('events', () => eventCases(harness));
    describe('workflow versions', () => workflowCases(harness));
    describe('cache and workers', () => cacheAndWorkerCases(harness));
    describe('workflow catalogue', () => catalogueCases(harness));
    describe('run stats', () => statsCases(harness));
    describe('run activity', () => activityCases(harness));
    describe('run activity rollup', () => rollupCases(harness));
    describe('sessions', () => sessionCases(harness));
    describe('secrets and variables', () => secretCases(harness));
    describe('audit log', () => auditCases(harness));
    describe('workspace settings', () => {
      it('keeps one row of settings per workspace, replaced as a whole', async () => {
        const { store } = harness;
        expect(await store.getWorkspaceSettings('w')).toBeUndefined();
        await store.putWorkspaceSettings({ workspaceId: 'w', tier: 'free', overrides: { burst: 3 }, updatedAt: 1 });
        await store.putWorkspaceSettings({
          workspaceId: 'w',
          tier: 'pro',
          overrides: { concurrentRuns: null },
          updatedAt: 2,
        });
        expect(await store.getWorkspaceSettings('w')).toEqual({
          workspaceId: 'w',
          tier: 'pro',
          overrides: { concurrentRuns: null },
          updatedAt: 2,
        });
      });
    });
    describe('users and tokens', () => userCases(harness));
    describe('members, token roles and invitations', () => memberCases(harness));
    describe('schedule marks', () => scheduleCases(harness));
    describe('workspaces', () => workspaceCases(harness));
  });
}
