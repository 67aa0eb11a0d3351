/**
 * A better-sqlite3 handle shaped as Kysely's `SqliteDatabase`, with a bounded cache of prepared
 * statements. Kysely's SQLite driver prepares every query it runs; the store issues the same few
 * SQL texts over and over, so re-preparing them would be most of the cost of a small query.
 *
 * In: a better-sqlite3 `Database`. Out: `prepare(sql)` that returns the cached statement for `sql`.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Enough for every fixed statement plus the variants of chunked inserts and patches. */
const MAX_STATEMENTS = 512;

export function cachedStatements(db: Database): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): Statement {
      const hit = cache.get(sql);
      if (hit !== undefined) return hit;
      const statement = db.prepare(sql);
      if (cache.size >= MAX_STATEMENTS) {
        // Map keeps insertion order: drop the oldest entry.
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
