import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomError } from '@atom/errors';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { newRun, newStep, seedRun, T0 } from '../conformance/fixtures.js';
import { expectRollupStorage } from '../conformance/rollup-storage.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { expectAllInDefault, rowsBeforeWorkspaces } from '../conformance/upgrade-to-workspaces.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from '../shared/migration-error.js';
import { sqliteMigrations } from './migrations/index.js';
import { createSqliteStore, type SqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atom-store-'));
  dirs.push(dir);
  return dir;
}

/** A database file brought up to `migration` only (an older Atom's), with foreign keys on. */
async function migratedTo(file: string, migration: string) {
  const raw = new BetterSqlite3(file);
  raw.pragma('foreign_keys = ON');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
  const migrator = new Migrator({
    db,
    provider: sqliteMigrations,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  expect((await migrator.migrateTo(migration)).error).toBeUndefined();
  return { raw, db };
}

function open(file: string, busyTimeoutMs?: number): SqliteStore {
  const store = createSqliteStore({ file, ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }) });
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describeStoreConformance('sqlite file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'atom-store-'));
  const store = createSqliteStore({ file: join(dir, 'nested', 'atom.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite store', () => {
  it('runs in WAL mode with foreign keys on', async () => {
    const file = join(await tempDir(), 'atom.db');
    const store = open(file);
    await store.migrate();
    const probe = new BetterSqlite3(file);
    try {
      expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
      await expect(store.atomically((tx) => tx.insertSteps([newStep('no-such-run', 'a')]))).rejects.toThrow(
        /FOREIGN KEY/,
      );
    } finally {
      probe.close();
    }
  });

  it('reads whole minutes of the dashboard from the rollup the first read filled; retention prunes it', async () => {
    const file = join(await tempDir(), 'atom.db');
    const store = open(file);
    await store.migrate();
    const probe = new BetterSqlite3(file);
    try {
      await expectRollupStorage(store, async (text) => {
        const statement = probe.prepare(text);
        if (statement.reader) return statement.all() as Record<string, unknown>[];
        statement.run();
        return [];
      });
    } finally {
      probe.close();
    }
  });

  it('keeps the data when the file is reopened, and migrate() stays idempotent', async () => {
    const file = join(await tempDir(), 'atom.db');
    const first = createSqliteStore({ file });
    await first.migrate();
    const run = await seedRun(first, {}, [newStep('', 'a', { status: 'ready', dueAt: T0 })]);
    await first.putWorkflowVersion('orders', { v: 1 }, 'h1', T0);
    await first.close();
    await first.close();

    const second = open(file);
    await second.migrate();
    await second.migrate();
    expect((await second.getRun(run.id))?.id).toBe(run.id);
    expect(await second.listSteps(run.id)).toHaveLength(1);
    expect((await second.getWorkflowVersion('orders'))?.version).toBe(1);
  });

  it('works on an in-memory database', async () => {
    const store = open(':memory:');
    await store.migrate();
    const run = await seedRun(store);
    expect((await store.getRun(run.id))?.id).toBe(run.id);
  });

  it('shares one file between two stores without losing writes or failing busy', async () => {
    const file = join(await tempDir(), 'atom.db');
    const a = open(file);
    const b = open(file);
    await a.migrate();
    await b.migrate();
    const run = await seedRun(a, {});
    const bump = (store: SqliteStore) =>
      store.atomically(async (tx) => {
        const current = await tx.getRun(run.id);
        const n = (current?.outputs as { n?: number } | null)?.n ?? 0;
        await new Promise((resolve) => setImmediate(resolve));
        await tx.updateRun(run.id, { outputs: { n: n + 1 } });
        await tx.appendEvents([{ runId: run.id, type: 'bump', stepKey: null, data: { n }, at: T0 }]);
      });
    await Promise.all(Array.from({ length: 100 }, (_, i) => bump(i % 2 === 0 ? a : b)));
    expect((await b.getRun(run.id))?.outputs).toEqual({ n: 100 });
    expect(await a.listEvents(run.id)).toHaveLength(100);
  });

  it('never gives one row to claimers on two connections', async () => {
    const file = join(await tempDir(), 'atom.db');
    const stores = [open(file), open(file), open(file)];
    for (const store of stores) await store.migrate();
    const first = stores[0] as SqliteStore;
    const run = await seedRun(first);
    await first.atomically((tx) =>
      tx.insertSteps(Array.from({ length: 300 }, (_, i) => newStep(run.id, `s${i}`, { status: 'ready', dueAt: T0 }))),
    );
    const seen: string[] = [];
    await Promise.all(
      stores.flatMap((store, s) =>
        [0, 1].map(async (c) => {
          for (;;) {
            const batch = await store.claimDue({ owner: `w${s}.${c}`, now: T0, limit: 5, leaseMs: 1000 });
            if (batch.length === 0) return;
            seen.push(...batch.map((step) => step.key));
          }
        }),
      ),
    );
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });

  it('answers the dashboard raw while another connection holds the lock the rollup needs', async () => {
    const file = join(await tempDir(), 'atom.db');
    const store = open(file, 100);
    await store.migrate();
    const run = await seedRun(store, { createdAt: T0 });
    const data = { attempt: 1, nodeType: 'transform', durationMs: 42 };
    await store.atomically((tx) =>
      tx.appendEvents([{ runId: run.id, type: 'step.succeeded', stepKey: 's', data, at: T0 + 1 }]),
    );
    const holder = new BetterSqlite3(file);
    try {
      holder.exec('begin immediate');
      const activity = await store.runActivity({ from: T0, to: T0 + 120_000, bucketMs: 60_000, nodeTypes: 10 });
      expect(activity.steps).toEqual({ count: 1, p50Ms: 42, p95Ms: 42, maxMs: 42 });
      expect(holder.prepare('select rolled_to as r from step_rollup').get()).toEqual({ r: 0 });
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });

  it('fails with ATOM_ERR_STORE_BUSY when another connection keeps the lock past the timeout', async () => {
    const file = join(await tempDir(), 'atom.db');
    const store = open(file, 150);
    await store.migrate();
    const holder = new BetterSqlite3(file);
    try {
      holder.exec('begin immediate');
      const started = Date.now();
      const error = await store.atomically((tx) => tx.insertRun(newRun())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AtomError);
      expect((error as AtomError).code).toBe('ATOM_ERR_STORE_BUSY');
      expect((error as AtomError).retryable).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      await expect(store.cacheSet('k', 1, T0)).rejects.toMatchObject({ code: 'ATOM_ERR_STORE_BUSY' });
      // Reads do not need the lock.
      expect(await store.listRuns()).toEqual([]);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    await store.atomically((tx) => tx.insertRun(newRun()));
    expect(await store.listRuns()).toHaveLength(1);
  });

  it('waits for a lock held briefly by another connection', async () => {
    const file = join(await tempDir(), 'atom.db');
    const store = open(file);
    await store.migrate();
    const holder = new BetterSqlite3(file);
    holder.exec('begin immediate');
    setTimeout(() => {
      holder.exec('commit');
      holder.close();
    }, 50);
    await store.atomically((tx) => tx.insertRun(newRun()));
    expect(await store.listRuns()).toHaveLength(1);
  });

  it('reports a failed migration as ATOM_ERR_STORE_MIGRATION and changes nothing', async () => {
    const file = join(await tempDir(), 'atom.db');
    const raw = new BetterSqlite3(file);
    raw.exec('create table runs (something text)');
    raw.close();
    const store = open(file);
    const error = await store.migrate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtomError);
    expect((error as AtomError).code).toBe('ATOM_ERR_STORE_MIGRATION');
    expect((error as AtomError).message).toMatch(/0001-initial/);
    const probe = new BetterSqlite3(file);
    const tables = probe.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
    probe.close();
    expect(tables).toEqual(['runs']);
  });

  it('refuses a database migrated by a newer version', async () => {
    const file = join(await tempDir(), 'atom.db');
    const store = open(file);
    await store.migrate();
    const raw = new BetterSqlite3(file);
    raw.prepare('insert into atom_migration (name, timestamp) values (?, ?)').run('9999-future', 'now');
    raw.close();
    await expect(store.migrate()).rejects.toMatchObject({ code: 'ATOM_ERR_STORE_MIGRATION' });
  });

  it('reports a file that is not a database', async () => {
    const file = join(await tempDir(), 'atom.db');
    await writeFile(file, 'this is not a database, just some text that is long enough '.repeat(20));
    expect(() => createSqliteStore({ file })).toThrow(AtomError);
  });

  it('upgrades a 0001 database: workflows keep their versions and join the catalogue', async () => {
    const file = join(await tempDir(), 'atom.db');
    const { raw, db } = await migratedTo(file, '0001-initial');
    raw.exec(`insert into workflows (id, name, created_at) values ('w1', 'orders', 1), ('w2', 'plain', 3);
      insert into workflow_versions (workflow_id, version, document, hash, created_at) values
        ('w1', 1, '{"description":"Old"}', 'h1', 1), ('w1', 2, '{"description":"Newer"}', 'h2', 2),
        ('w2', 1, '[1]', 'h3', 3);
      insert into runs (id, workflow_id, workflow_name, version, status, trigger, created_at, updated_at)
        values ('r1', 'w1', 'orders', 2, 'queued', '{"kind":"webhook"}', 5, 5);`);
    await db.destroy();

    const store = open(file);
    await store.migrate();
    expect(await store.getWorkflowSummary('orders', 'default')).toEqual({
      workflowId: 'w1',
      workspaceId: 'default',
      name: 'orders',
      version: 2,
      description: 'Newer',
      triggersEnabled: true,
      createdAt: 1,
      updatedAt: 2,
      deletedAt: null,
    });
    expect((await store.listWorkflows({ workspaceId: 'default', search: 'OLD', limit: 5 })).map((w) => w.name)).toEqual(
      [],
    );
    expect(
      (await store.listWorkflows({ workspaceId: 'default', search: 'newer', limit: 5 })).map((w) => w.name),
    ).toEqual(['orders']);
    expect((await store.getWorkflowSummary('plain', 'default'))?.description).toBeNull();
    expect(await store.listWorkflowVersions('w1')).toHaveLength(2);
    expect(await store.getRun('r1')).toMatchObject({ dedupeKey: null, trigger: { kind: 'webhook' } });
    expect((await store.listRuns({ triggerKind: 'webhook' })).map((run) => run.id)).toEqual(['r1']);

    // The versions still belong to their workflows (the rebuilt tables kept the foreign key).
    const probe = new BetterSqlite3(file);
    try {
      expect(probe.pragma('foreign_key_check')).toEqual([]);
      expect(probe.pragma('foreign_key_list(workflow_versions)')).toMatchObject([
        { table: 'workflows', from: 'workflow_id' },
      ]);
    } finally {
      probe.close();
    }
    expect(await store.deleteWorkflow('w1', 10)).toBe(true);
    const reborn = await store.putWorkflowVersion('orders', { v: 1 }, 'h1', 11);
    expect(reborn.workflowId).not.toBe('w1');
    expect((await store.getWorkflowVersion('w1'))?.version).toBe(2);
  });

  it('upgrades a 0041 database: every user, workflow, run, token and invitation joins `default`', async () => {
    const file = join(await tempDir(), 'atom.db');
    const { raw, db } = await migratedTo(file, '0041-retention');
    raw.exec(rowsBeforeWorkspaces());
    await db.destroy();
    const store = open(file);
    await store.migrate();
    await expectAllInDefault(store);
  });

  it('refuses a StoreTx used after its unit ended', async () => {
    const store = open(join(await tempDir(), 'atom.db'));
    await store.migrate();
    const tx = await store.atomically(async (tx) => tx);
    await expect(tx.getRun('x')).rejects.toMatchObject({ code: 'ATOM_ERR_INTERNAL' });
  });
});
