/**
 * Multi-row INSERT text: `insert into t (a, b) values (?, ?), (?, ?), …` for up to CHUNK_ROWS rows,
 * built once per row count.
 * In: the table and column list. Out: `sqlFor(rows)` and `chunks(items)`.
 */

/** Rows per statement; keeps the placeholder count well under SQLite's limit for any table here. */
export const CHUNK_ROWS = 100;

/** @param columns the column count (each row `(?, ?, …)`), or one row's text when a value is an expression. */
export function multiRowInsert(head: string, columns: number | string): (rows: number) => string {
  const row = typeof columns === 'string' ? columns : `(${new Array(columns).fill('?').join(', ')})`;
  const cache = new Map<number, string>();
  return (rows) => {
    let sql = cache.get(rows);
    if (sql === undefined) {
      sql = `${head} values ${new Array(rows).fill(row).join(', ')}`;
      cache.set(rows, sql);
    }
    return sql;
  };
}

export function* chunks<T>(items: readonly T[], size = CHUNK_ROWS): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
