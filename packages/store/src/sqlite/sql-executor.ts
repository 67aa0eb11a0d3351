/**
 * The one way the SQLite adapter sends SQL: fixed SQL text plus positional parameters, executed
 * through Kysely (its connection handling and single-connection mutex) without the query builder,
 * so no query is compiled per call and the prepared-statement cache always hits.
 *
 * In: SQL text with `?` placeholders and the values. Out: rows, or the number of changed rows.
 */
import type { Statement } from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import type { SqlExecutor } from '../shared/sql-executor.js';

/** Kysely over the store's tables; the adapter never uses the typed query builder. */
export type StoreKysely = Kysely<Record<string, never>>;

const NO_PARAMS: readonly unknown[] = [];

/** Runs on `db`: the shared instance (each call takes the connection in turn) or a bound connection. */
export function kyselyExecutor(db: StoreKysely): SqlExecutor {
  return {
    async all<R>(sql: string, params = NO_PARAMS): Promise<R[]> {
      const result = await db.executeQuery<R>(CompiledQuery.raw(sql, params as unknown[]));
      return result.rows as R[];
    },
    async run(sql: string, params = NO_PARAMS): Promise<number> {
      const result = await db.executeQuery(CompiledQuery.raw(sql, params as unknown[]));
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}

/**
 * Runs statements straight on the better-sqlite3 handle, skipping Kysely's per-query machinery
 * (executor, plugins, connection mutex). Only for code that already holds the connection through
 * Kysely — the body of a write unit — so nothing else can use the connection meanwhile. This is
 * the engine's hot path: every step result is written through it.
 */
export function directExecutor(prepare: (sql: string) => Statement): SqlExecutor {
  return {
    async all<R>(sql: string, params = NO_PARAMS): Promise<R[]> {
      const statement = prepare(sql);
      if (statement.reader) return statement.all(params) as R[];
      statement.run(params);
      return [];
    },
    async run(sql: string, params = NO_PARAMS): Promise<number> {
      return prepare(sql).run(params).changes;
    },
  };
}
