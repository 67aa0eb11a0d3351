/**
 * What the shared query functions need to know about a database: how placeholders are written and
 * in which order their values go, how JSON columns come back, and how a SELECT locks what it reads.
 * Everything else that differs (list parameters, claims) stays in each adapter's own queries.
 *
 * In: nothing. Out: one object per adapter (sqlite/sqlite-dialect.ts, postgres/postgres-dialect.ts).
 */
export interface SqlDialect {
  /**
   * The n-th placeholder (from 1): `?` in SQLite, whose values bind in text order (better-sqlite3
   * takes no numbered ones with positional values), `$n` in PostgreSQL.
   */
  param(n: number): string;
  /**
   * The values of a patch's UPDATE (shared/patch-sql.ts), in the order its placeholders take them:
   * the `set` ones come first in the text, the WHERE's are numbered first. Reuses the arrays.
   */
  patchParams(where: unknown[], set: unknown[]): unknown[];
  /** A row selected with aliased columns as its record: JSON fields parsed where the driver returns text. */
  decodeJson<T>(row: object, fields: readonly string[]): T;
  /** `decodeJson` for each row, in place: the same array comes back. */
  decodeRows<T>(rows: object[], fields: readonly string[]): T[];
  /**
   * Appended to a SELECT whose rows must stay as read until the statement's transaction ends:
   * ` for update` in PostgreSQL; empty in SQLite, which runs one writer at a time.
   */
  rowLock: string;
  /**
   * A run_events row's place in the event feed as cursor text `<tx>:<id>` (alias `e`), and the
   * ORDER BY that puts the feed's last event first: by id in SQLite, by `pos_tx` then id in PostgreSQL.
   */
  feedPosition: string;
  feedOrderLastFirst: string;
}

/** `(p(1), p(2), …)` for `count` values from the `first`-th placeholder on. */
export function paramList(dialect: SqlDialect, count: number, first = 1): string {
  return `(${Array.from({ length: count }, (_, i) => dialect.param(first + i)).join(', ')})`;
}
