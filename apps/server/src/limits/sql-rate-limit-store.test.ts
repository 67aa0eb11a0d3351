/**
 * The SQL store and its statements on a real better-sqlite3 in-memory database and on the
 * machine's PostgreSQL (a database of this file's own; without a server that half skips with one
 * `SKIPPED: …` line, or fails when ATOM_REQUIRE_SERVICES=1).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnreachable, useTestDatabase } from '../../../../test/support/postgres-database.js';
import { POSTGRES_RATE_LIMIT_SQL, SQLITE_RATE_LIMIT_SQL } from './rate-limit-sql.js';
import { createRateLimiter } from './rate-limiter.js';
import { createSqlRateLimitStore, type RateLimitSqlExecutor } from './sql-rate-limit-store.js';
import { describeRateLimitStoreConformance, T0 } from './store-cases.fixture.js';

function sqliteExecutor(db: Database.Database): RateLimitSqlExecutor {
  return {
    run: async (sql, params) => db.prepare(sql).run(params).changes,
    all: async <R>(sql: string, params: readonly unknown[]) => db.prepare(sql).all(params) as R[],
  };
}

function postgresExecutor(pool: pg.Pool): RateLimitSqlExecutor {
  return {
    run: async (sql, params) => (await pool.query(sql, [...params])).rowCount ?? 0,
    all: async <R>(sql: string, params: readonly unknown[]) => (await pool.query(sql, [...params])).rows as R[],
  };
}

describe('SQL rate-limit store on SQLite', () => {
  const db = new Database(':memory:');
  db.exec(SQLITE_RATE_LIMIT_SQL.createTable);
  const executor = sqliteExecutor(db);
  afterAll(() => db.close());

  describeRateLimitStoreConformance('SQLite', async () => {
    const store = createSqlRateLimitStore(executor, SQLITE_RATE_LIMIT_SQL);
    return { store, peers: [store] };
  });

  it('prunes the rows of keys whose bucket is full again', async () => {
    const store = createSqlRateLimitStore(executor, SQLITE_RATE_LIMIT_SQL);
    const limiter = createRateLimiter(store);
    await limiter.take('prune-a', { ratePerMinute: 60, burst: 5 }, T0 + 3_600_000);
    await limiter.take('prune-b', { ratePerMinute: 60, burst: 5, cost: 3 }, T0 + 3_600_000);
    const count = () =>
      (db.prepare("select count(*) as n from rate_limits where key like 'prune-%'").get() as { n: number }).n;
    expect(count()).toBe(2);
    await store.prune(T0 + 3_601_000);
    expect(count()).toBe(1);
    await store.prune(T0 + 3_603_000);
    expect(count()).toBe(0);
  });
});

const reason = await postgresUnreachable('SQL rate-limit store on PostgreSQL');

describe.skipIf(reason !== undefined)('SQL rate-limit store on PostgreSQL', () => {
  const url = reason === undefined ? useTestDatabase() : '';
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url, max: 20 });
    // Idle clients the database drop terminates (57P01) are expected at the end, not a failure.
    pool.on('error', () => {});
    await pool.query(POSTGRES_RATE_LIMIT_SQL.createTable);
  });
  afterAll(() => pool?.end());

  describeRateLimitStoreConformance('PostgreSQL', async () => {
    const store = createSqlRateLimitStore(postgresExecutor(pool), POSTGRES_RATE_LIMIT_SQL);
    return { store, peers: [store] };
  });

  it('creates an unlogged table, and prunes rows of idle keys', async () => {
    const { rows } = await pool.query("select relpersistence from pg_class where relname = 'rate_limits'");
    expect(rows).toEqual([{ relpersistence: 'u' }]);
    const store = createSqlRateLimitStore(postgresExecutor(pool), POSTGRES_RATE_LIMIT_SQL);
    await store.prune(T0 + 3_600_000);
    await createRateLimiter(store).take('prune-a', { ratePerMinute: 60, burst: 5 }, T0 + 3_600_000);
    expect(await store.prune(T0 + 3_600_999)).toBe(0);
    expect(await store.prune(T0 + 3_601_000)).toBe(1);
  });
});
