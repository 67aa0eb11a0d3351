/**
 * Rows fetched by a list of keys (`key in …` / `key = any(…)`) come back in the database's order;
 * StorePort.getSteps promises the order of the keys asked for, each key once.
 * In: the rows and the keys. Out: the rows in key order, without duplicates.
 */
export function inKeyOrder<R extends { key: string }>(rows: R[], keys: readonly string[]): R[] {
  if (rows.length <= 1) return rows;
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const out: R[] = [];
  for (const key of new Set(keys)) {
    const row = byKey.get(key);
    if (row !== undefined) out.push(row);
  }
  return out;
}
