/**
 * The step-result cache and its per-node-type hit/miss counters, for either adapter.
 * In: a SqlDialect, then key, JSON value, expiry (epoch ms). Out: `{ value }` while `now < expiresAt`.
 * Writes are single upserts: atomic without a unit, and concurrent counts all land.
 */
import { toJson } from './json-text.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

const VALUE: readonly string[] = ['value'];

/** The cache queries with their SQL written once for `d`. */
export function cacheQueries(d: SqlDialect) {
  const GET = `select value from cache_entries where key = ${d.param(1)} and expires_at > ${d.param(2)}`;
  const SET = `insert into cache_entries (key, value, expires_at) values ${paramList(d, 3)}
  on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at`;
  // PostgreSQL wants the target's columns qualified here; SQLite accepts it too.
  const COUNT = `insert into cache_stats (node_type, hits, misses) values ${paramList(d, 3)}
  on conflict (node_type) do update
  set hits = cache_stats.hits + excluded.hits, misses = cache_stats.misses + excluded.misses`;
  const STATS = 'select node_type, hits, misses from cache_stats order by node_type';

  return {
    async cacheGet(exec: SqlExecutor, key: string, now: number): Promise<{ value: unknown } | undefined> {
      const [row] = await exec.all<{ value: unknown }>(GET, [key, now]);
      return row === undefined ? undefined : d.decodeJson(row, VALUE);
    },
    async cacheSet(exec: SqlExecutor, key: string, value: unknown, expiresAt: number): Promise<void> {
      await exec.run(SET, [key, toJson(value), expiresAt]);
    },
    async cacheCount(exec: SqlExecutor, nodeType: string, outcome: 'hit' | 'miss'): Promise<void> {
      await exec.run(COUNT, [nodeType, outcome === 'hit' ? 1 : 0, outcome === 'miss' ? 1 : 0]);
    },
    async cacheStats(exec: SqlExecutor): Promise<Record<string, { hits: number; misses: number }>> {
      const rows = await exec.all<{ node_type: string; hits: number; misses: number }>(STATS);
      const stats: Record<string, { hits: number; misses: number }> = {};
      for (const row of rows) stats[row.node_type] = { hits: row.hits, misses: row.misses };
      return stats;
    },
  };
}
