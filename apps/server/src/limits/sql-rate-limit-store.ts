/**
 * Rate-limit counters in the database (SQLite or PostgreSQL): one upsert per request, through
 * whatever executor the store adapter provides. Useful when several API processes share a
 * PostgreSQL database but no Redis; in the embedded mode the memory store is cheaper.
 *
 * In: an executor and a dialect's statements (rate-limit-sql.ts). Out: GCRA outcomes; `prune`
 * deletes rows of idle keys and should run now and then (every few minutes is plenty).
 */
import { AtomError } from '@atom/errors';
import type { GcraOutcome, GcraStep } from './gcra.js';
import type { RateLimitSql } from './rate-limit-sql.js';
import type { RateLimitStore } from './rate-limit-store.js';

/** What the store adapters' executors already are: SQL text plus positional parameters. */
export interface RateLimitSqlExecutor {
  /** Runs a write; returns how many rows it changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>;
  /** Runs a query, or a write with RETURNING; returns its rows. */
  all<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
}

export interface SqlRateLimitStore extends RateLimitStore {
  /** Deletes the rows of keys whose TAT is not after `now` (ms); returns how many. */
  prune(now: number): Promise<number>;
}

/** bigint columns come back as strings from pg and as numbers from better-sqlite3. */
interface TakeRow {
  tat_us: number | string;
  admitted: boolean | number;
}

/**
 * @example
 * const store = createSqlRateLimitStore(executor, POSTGRES_RATE_LIMIT_SQL);
 * const limiter = createRateLimiter(store);
 */
export function createSqlRateLimitStore(executor: RateLimitSqlExecutor, sql: RateLimitSql): SqlRateLimitStore {
  return {
    async update(key: string, step: GcraStep): Promise<GcraOutcome> {
      const [row] = await executor.all<TakeRow>(sql.take, sql.takeParams(key, step));
      if (row === undefined) throw new AtomError('ATOM_ERR_INTERNAL', 'the rate-limit upsert returned no row');
      return { allowed: row.admitted === true || row.admitted === 1, tatUs: Number(row.tat_us) };
    },
    prune: (now) => executor.run(sql.prune, [Math.round(now * 1000)]),
  };
}
