/**
 * The StorePort conformance suite and PostgreSQL-specific behaviour, on the machine's PostgreSQL
 * (DESIGN §8): a database of its own for this file (`atom_test_<random>`, dropped afterwards), a
 * schema of its own for each test. Without a server this file skips with one `SKIPPED: …` line,
 * or fails when ATOM_REQUIRE_SERVICES=1.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AtomError } from '@atom/errors';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newRun, newStep, seedRun, T0 } from '../conformance/fixtures.js';
import { expectRollupStorage } from '../conformance/rollup-storage.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { expectAllInDefault, rowsBeforeWorkspaces } from '../conformance/upgrade-to-workspaces.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from '../shared/migration-error.js';
import { postgresMigrations } from './migrations/index.js';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';

const SERVER_URL = process.env.ATOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `atom_test_${randomBytes(6).toString('hex')}`;

/** The server's URL with another database name. */
function databaseUrl(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Why PostgreSQL cannot be used, or undefined when it can. */
async function unreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    return `${new URL(SERVER_URL).host}: ${reason}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const reason = await unreachable();
if (reason !== undefined) {
  if (process.env.ATOM_REQUIRE_SERVICES === '1') {
    describe('PostgreSQL store', () => {
      it('needs PostgreSQL (ATOM_REQUIRE_SERVICES=1)', () => {
        throw new Error(`PostgreSQL is required but unreachable (${reason}); set ATOM_TEST_DATABASE_URL`);
      });
    });
  } else {
    process.stdout.write(`SKIPPED: PostgreSQL store conformance (${reason})\n`);
  }
}

/** Connections to the test database, for looking under the store (and dropping its schemas). */
let admin: pg.Pool;
let schemas = 0;

/** A store in a fresh schema of the test database (created by its `migrate()`). */
function storeInNewSchema(options: { poolMax?: number; schema?: string } = {}): PostgresStore {
  const schema = options.schema ?? `s${++schemas}`;
  // Nothing writes concurrently with the stats reads of a case, so the rollup may settle at once (ADR 0020).
  return createPostgresStore({
    connectionString: databaseUrl(DATABASE),
    schema,
    poolMax: options.poolMax,
    statsSettleMs: 0,
  });
}

describe.skipIf(reason !== undefined)('PostgreSQL store', () => {
  beforeAll(async () => {
    await onServer(`create database ${DATABASE}`);
    admin = new pg.Pool({ connectionString: databaseUrl(DATABASE), max: 2 });
  });
  afterAll(async () => {
    await admin?.end();
    await onServer(`drop database if exists ${DATABASE} with (force)`);
  });

  describeStoreConformance('postgres', async () => {
    const schema = `c${++schemas}`;
    const store = storeInNewSchema({ schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await admin.query(`drop schema if exists ${schema} cascade`);
      },
    };
  });

  describe('on PostgreSQL', () => {
    const stores: PostgresStore[] = [];
    const open = (options?: { poolMax?: number; schema?: string }): PostgresStore => {
      const store = storeInNewSchema(options);
      stores.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
    });

    it('never gives one row to claimers of two stores (two pools)', async () => {
      const a = open({ schema: 'race' });
      const b = open({ schema: 'race' });
      await Promise.all([a.migrate(), b.migrate()]);
      const run = await seedRun(a);
      await a.atomically((tx) =>
        tx.insertSteps(Array.from({ length: 300 }, (_, i) => newStep(run.id, `s${i}`, { status: 'ready', dueAt: T0 }))),
      );
      const seen: string[] = [];
      const claimer = async (store: PostgresStore, owner: string) => {
        for (;;) {
          const batch = await store.claimDue({ owner, now: T0, limit: 7, leaseMs: 1000 }, async (tx, rows) => {
            await tx.appendEvents(
              rows.map((row) => ({ runId: run.id, type: 'claimed', stepKey: row.key, data: null, at: T0 })),
            );
          });
          if (batch.length === 0) return;
          seen.push(...batch.map((step) => step.key));
        }
      };
      await Promise.all([0, 1, 2, 3].map((i) => claimer(i % 2 === 0 ? a : b, `w${i}`)));
      expect(seen).toHaveLength(300);
      expect(new Set(seen).size).toBe(300);
      expect(await b.listEvents(run.id)).toHaveLength(300);
    });

    it('serialises 20 units on one run across two stores without lost updates', async () => {
      const a = open({ schema: 'units', poolMax: 4 });
      const b = open({ schema: 'units', poolMax: 4 });
      await a.migrate();
      const run = await seedRun(a);
      const seqs = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).atomically(async (tx) => {
            const current = await tx.getRun(run.id);
            const n = (current?.outputs as { n?: number } | null)?.n ?? 0;
            await sleep(1);
            await tx.updateRun(run.id, { outputs: { n: n + 1 } });
            return tx.nextSeq(run.id);
          }),
        ),
      );
      expect((await b.getRun(run.id))?.outputs).toEqual({ n: 20 });
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('reads whole minutes of the dashboard from the rollup the first read filled; retention prunes it', async () => {
      const store = open({ schema: 'rollup' });
      await store.migrate();
      const inSchema = async (text: string) => {
        const results = (await admin.query(
          `begin; set local search_path to rollup; ${text}; commit`,
        )) as unknown as pg.QueryResult[];
        return results[2]?.rows ?? [];
      };
      await expectRollupStorage(store, inSchema);
    });

    it('rolls events up only once the horizon it saw has settled (statsSettleMs, 60 s by default)', async () => {
      const store = createPostgresStore({ connectionString: databaseUrl(DATABASE), schema: 'settle' });
      stores.push(store);
      await store.migrate();
      const run = await seedRun(store, { createdAt: T0 });
      const data = { attempt: 1, nodeType: 'transform', durationMs: 7 };
      await store.atomically((tx) =>
        tx.appendEvents([{ runId: run.id, type: 'step.succeeded', stepKey: 's', data, at: T0 + 1 }]),
      );
      const window = { from: T0, to: T0 + 120_000, bucketMs: 60_000, nodeTypes: 10 };
      const state = async () =>
        (await admin.query('select rolled_to::int as r, horizon::int as h from settle.step_rollup')).rows[0];
      expect((await store.runActivity(window)).steps).toEqual({ count: 1, p50Ms: 7, p95Ms: 7, maxMs: 7 });
      const seen = await state();
      expect(seen).toEqual({ r: 0, h: expect.any(Number) });
      expect(seen.h).toBeGreaterThan(0);
      expect((await store.runActivity(window)).steps.count).toBe(1);
      expect(await state()).toEqual(seen);
      await admin.query('update settle.step_rollup set horizon_at = horizon_at - 60000');
      expect((await store.runActivity(window)).steps).toEqual({ count: 1, p50Ms: 7, p95Ms: 7, maxMs: 7 });
      expect(await state()).toEqual({ r: seen.h, h: seen.h });
    });

    it('migrates once when two stores migrate at once, and again safely', async () => {
      const a = open({ schema: 'twice' });
      const b = open({ schema: 'twice' });
      await Promise.all([a.migrate(), b.migrate()]);
      await a.migrate();
      await Promise.all([a.migrate(), b.migrate()]);
      const { rows } = await admin.query('select name from twice.atom_migration order by name');
      expect(rows).toEqual([
        { name: '0001-initial' },
        { name: '0002-server' },
        { name: '0003-sessions' },
        { name: '0004-secrets' },
        { name: '0005-audit' },
        { name: '0006-settings' },
        { name: '0007-members' },
        { name: '0020-event-feed' },
        { name: '0021-steps-ready-notify' },
        { name: '0022-worker-registry' },
        { name: '0023-run-admission' },
        { name: '0024-rate-limits' },
        { name: '0025-notify-after-commit' },
        { name: '0036-listing-and-stats' },
        { name: '0041-retention' },
        { name: '0042-claim-order' },
        { name: '0050-workspaces' },
        { name: '0051-workflow-source' },
        { name: '0052-step-minutes' },
        { name: '0053-event-feed-pruned' },
        { name: '0054-one-finished-index' },
      ]);
      const run = await seedRun(b);
      expect((await a.getRun(run.id))?.id).toBe(run.id);
    });

    it('numbers versions of one workflow stored from two stores at once without a gap or a clash', async () => {
      const a = open({ schema: 'versions' });
      const b = open({ schema: 'versions' });
      await a.migrate();
      const puts = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).putWorkflowVersion('orders', { i }, `h${i}`, T0)),
      );
      expect(puts.map((put) => put.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(puts.map((put) => put.workflowId)).size).toBe(1);
    });

    it('gives one dedupe key to exactly one of units racing from two stores', async () => {
      const a = open({ schema: 'dedupe' });
      const b = open({ schema: 'dedupe' });
      await a.migrate();
      const racers = Array.from({ length: 6 }, () => newRun({ dedupeKey: 'hook:once' }));
      const inserted = await Promise.all(
        racers.map((run, i) =>
          (i % 2 === 0 ? a : b).atomically(async (tx) => {
            const ok = await tx.insertRun(run);
            await sleep(20);
            return ok;
          }),
        ),
      );
      expect(inserted.filter(Boolean)).toHaveLength(1);
      expect(await b.listRuns()).toHaveLength(1);
    });

    it('lets one of two stores through with the same expected workflow version', async () => {
      const a = open({ schema: 'ifmatch' });
      const b = open({ schema: 'ifmatch' });
      await a.migrate();
      await a.putWorkflowVersionIf('orders', { v: 0 }, 'h0', T0, 0);
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? a : b).putWorkflowVersionIf('orders', { i }, `h${i + 1}`, T0, 1),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ATOM_ERR_WORKFLOW_VERSION_CONFLICT' });
      }
      expect((await b.getWorkflowSummary('orders', 'default'))?.version).toBe(2);
    });

    /** A new schema brought up to `migration` only (an older Atom's). */
    async function schemaMigratedTo(schema: string, migration: string): Promise<void> {
      const pool = new pg.Pool({
        connectionString: databaseUrl(DATABASE),
        max: 1,
        options: `-c search_path=${schema}`,
      });
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      try {
        await admin.query(`create schema ${schema}`);
        const migrator = new Migrator({
          db,
          provider: postgresMigrations,
          migrationTableName: MIGRATION_TABLE,
          migrationLockTableName: MIGRATION_LOCK_TABLE,
          migrationTableSchema: schema,
        });
        expect((await migrator.migrateTo(migration)).error).toBeUndefined();
      } finally {
        await db.destroy();
      }
    }

    it('upgrades a 0001 schema: workflows keep their versions and join the catalogue', async () => {
      await schemaMigratedTo('upgrade', '0001-initial');
      await admin.query(`insert into upgrade.workflows (id, name, created_at) values ('w1', 'orders', 1);
        insert into upgrade.workflow_versions (workflow_id, version, document, hash, created_at) values
          ('w1', 1, '{"description":"Old"}', 'h1', 1), ('w1', 2, '{"description":"Newer"}', 'h2', 2);
        insert into upgrade.runs (id, workflow_id, workflow_name, version, status, trigger, created_at, updated_at)
          values ('r1', 'w1', 'orders', 2, 'queued', '{"kind":"webhook"}', 5, 5);`);
      const store = open({ schema: 'upgrade' });
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
      expect((await store.listRuns({ triggerKind: 'webhook' })).map((run) => run.id)).toEqual(['r1']);
      expect(await store.deleteWorkflow('w1', 10)).toBe(true);
      const reborn = await store.putWorkflowVersion('orders', { v: 1 }, 'h1', 11);
      expect(reborn.workflowId).not.toBe('w1');
      expect((await store.getWorkflowVersion('w1'))?.version).toBe(2);
    });

    it('upgrades a 0041 schema: every user, workflow, run, token and invitation joins `default`', async () => {
      await schemaMigratedTo('before', '0041-retention');
      await admin.query(rowsBeforeWorkspaces('before.'));
      const store = open({ schema: 'before' });
      await store.migrate();
      await expectAllInDefault(store);
    });

    it('reports a deadlock inside a unit as ATOM_ERR_STORE_BUSY without running the callback again', async () => {
      // The URL's own `options` are kept next to the store's search_path; a short deadlock_timeout
      // makes PostgreSQL detect the deadlock quickly.
      const url = new URL(databaseUrl(DATABASE));
      url.searchParams.set('options', '-c deadlock_timeout=50');
      const store = createPostgresStore({ connectionString: url.toString(), schema: 'deadlock' });
      stores.push(store);
      await store.migrate();
      const [one, two] = [await seedRun(store), await seedRun(store)];
      let calls = 0;
      let arrived = 0;
      let bothLocked = (): void => {};
      const together = new Promise<void>((resolve) => {
        bothLocked = resolve;
      });
      const crossing = (first: string, second: string) =>
        store.atomically(async (tx) => {
          calls++;
          await tx.getRun(first);
          if (++arrived === 2) bothLocked();
          await together;
          await tx.getRun(second);
          await tx.updateRun(second, { status: 'running' });
        });
      const results = await Promise.allSettled([crossing(one.id, two.id), crossing(two.id, one.id)]);
      const failed = results.filter((result) => result.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'ATOM_ERR_STORE_BUSY',
        retryable: true,
        cause: expect.objectContaining({ code: '40P01' }),
      });
      expect(calls).toBe(2);
      expect((await admin.query('select count(*)::int as n from deadlock.runs')).rows).toEqual([{ n: 2 }]);
    });

    it('keeps stores of different schemas apart', async () => {
      const a = open();
      const b = open();
      await a.migrate();
      await b.migrate();
      const run = await seedRun(a);
      expect(await b.getRun(run.id)).toBeUndefined();
      expect((await a.getRun(run.id))?.id).toBe(run.id);
    });

    it('orders the events of one run by commit: a later unit waits for the earlier one', async () => {
      const a = open({ schema: 'events' });
      const b = open({ schema: 'events' });
      await a.migrate();
      const run = await seedRun(a);
      const event = (type: string) => ({ runId: run.id, type, stepKey: null, data: null, at: T0 });
      let release = (): void => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let appended = (): void => {};
      const first = a.atomically(async (tx) => {
        await tx.appendEvents([event('first')]);
        appended();
        await gate;
      });
      await new Promise<void>((resolve) => {
        appended = resolve;
      });
      const second = b.atomically((tx) => tx.appendEvents([event('second')]));
      try {
        await sleep(50);
        // Had `second` drawn its id and committed meanwhile, a reader would see it before `first`
        // and, reading on after its id, never see `first`.
        expect(await a.listEvents(run.id)).toEqual([]);
      } finally {
        release();
        await Promise.all([first, second]);
      }
      expect((await a.listEvents(run.id)).map((e) => e.type)).toEqual(['first', 'second']);
    });

    it('rejects a unit whose failed statement was caught, instead of reporting a commit', async () => {
      const store = open();
      await store.migrate();
      const run = await seedRun(store, {}, [newStep('', 'a')]);
      const unit = store.atomically(async (tx) => {
        await tx.updateRun(run.id, { status: 'running' });
        await tx.insertSteps([newStep(run.id, 'a')]).catch(() => {});
      });
      await expect(unit).rejects.toMatchObject({ code: 'ATOM_ERR_INTERNAL' });
      expect((await store.getRun(run.id))?.status).toBe('queued');
    });

    it('refuses a StoreTx used after its unit ended', async () => {
      const store = open();
      await store.migrate();
      const tx = await store.atomically(async (tx) => tx);
      await expect(tx.getRun('x')).rejects.toMatchObject({ code: 'ATOM_ERR_INTERNAL' });
    });

    it('reports a failed migration as ATOM_ERR_STORE_MIGRATION, changes nothing, and holds no lock', async () => {
      await admin.query('create schema broken; create table broken.runs (something text)');
      const store = open({ schema: 'broken' });
      const error = await store.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AtomError);
      expect((error as AtomError).code).toBe('ATOM_ERR_STORE_MIGRATION');
      expect((error as AtomError).message).toMatch(/0001-initial/);
      const { rows } = await admin.query(
        "select table_name from information_schema.tables where table_schema = 'broken' order by 1",
      );
      expect(rows).toEqual([{ table_name: 'runs' }]);
      await admin.query('drop table broken.runs');
      // Another store (another connection) can migrate at once: the failed attempt left no lock behind.
      await open({ schema: 'broken' }).migrate();
      await store.migrate();
    });

    it('refuses a database migrated by a newer version', async () => {
      const store = open({ schema: 'newer' });
      await store.migrate();
      await admin.query("insert into newer.atom_migration (name, timestamp) values ('9999-future', 'now')");
      await expect(store.migrate()).rejects.toMatchObject({ code: 'ATOM_ERR_STORE_MIGRATION' });
    });

    it('fails with ATOM_ERR_STORE_BUSY (retryable) while PostgreSQL cannot be reached', async () => {
      const url = new URL(databaseUrl(DATABASE));
      url.port = '1';
      const store = createPostgresStore({ connectionString: url.toString() });
      stores.push(store);
      for (const call of [() => store.getRun('x'), () => store.atomically(async () => 1), () => store.migrate()]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AtomError);
        expect(error).toMatchObject({ code: 'ATOM_ERR_STORE_BUSY', retryable: true });
        expect((error as AtomError).cause).toBeDefined();
      }
    });

    it('rejects bad options with ATOM_ERR_CONFIG_INVALID, without echoing the URL', async () => {
      const bad = [
        { connectionString: 'mysql://root:secret@db/atom' },
        { connectionString: 'postgres://db/atom', poolMax: 0 },
        { connectionString: 'postgres://db/atom', poolMax: 2.5 },
        { connectionString: 'postgres://db/atom', schema: 'Bad-Name' },
        { connectionString: 'postgres://db/atom', schema: 'pg_catalog' },
        { connectionString: 'postgres://db/atom', statsSettleMs: -1 },
        { connectionString: 'postgres://db/atom', statsSettleMs: 1.5 },
      ];
      for (const options of bad) {
        let error: unknown;
        try {
          createPostgresStore(options);
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({ code: 'ATOM_ERR_CONFIG_INVALID' });
        expect((error as AtomError).message).not.toMatch(/secret/);
      }
      const store = createPostgresStore({ connectionString: 'postgresql://db/atom' });
      stores.push(store);
      expect(store.connectionString).toBe('postgresql://db/atom');
    });
  });
});
