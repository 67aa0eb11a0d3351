/**
 * UPDATE statements for partial patches (RunPatch, StepPatch). The SQL text depends only on which
 * fields are set and on the WHERE clause, so it is built once per shape and reused (which also
 * keeps the prepared-statement caches hot).
 *
 * In: a patch (fields whose value is `undefined` are left unchanged), a WHERE clause and how many
 * placeholders it uses. Out: `update <table> set … where …` and the values of its `set`
 * placeholders. With numbered placeholders (PostgreSQL `$n`) the `set` ones follow the WHERE's:
 * send the WHERE's values first. With `?` (SQLite) they come in text order: `set` values first.
 */
import type { Column } from './columns.js';
import { toJson } from './json-text.js';

export interface PatchStatement {
  sql: string;
  /** Values of the `set` placeholders. */
  values: unknown[];
}

/** The n-th placeholder (from 1) of a dialect: `?` in SQLite, `$n` in PostgreSQL. */
export type Placeholder = (n: number) => string;

/**
 * @param noop an assignment that changes nothing, used when the patch sets no field (the UPDATE
 *   then still reports whether a row matched).
 * @example
 * const runPatch = patchSql('runs', RUN_PATCH_COLUMNS, 'updated_at = updated_at', (n) => `$${n}`);
 * const { sql, values } = runPatch(patch, 'id = $1', 1);
 */
export function patchSql(
  table: string,
  columns: readonly Column[],
  noop: string,
  placeholder: Placeholder,
): (patch: object, where: string, whereParams: number) => PatchStatement {
  // By WHERE clause, then by shape: the clauses are a few constant strings, so no key is built per call.
  const cache = new Map<string, Map<string, string>>();
  return (patch, where, whereParams) => {
    const source = patch as Record<string, unknown>;
    const values: unknown[] = [];
    let shape = '';
    for (const { field, json } of columns) {
      const value = source[field];
      if (value === undefined) {
        shape += '0';
        continue;
      }
      shape += '1';
      values.push(json ? toJson(value) : value);
    }
    let shapes = cache.get(where);
    if (shapes === undefined) {
      shapes = new Map();
      cache.set(where, shapes);
    }
    let sql = shapes.get(shape);
    if (sql === undefined) {
      const sets = columns
        .filter((_, i) => shape[i] === '1')
        .map(({ column }, i) => `${column} = ${placeholder(whereParams + i + 1)}`);
      sql = `update ${table} set ${sets.length > 0 ? sets.join(', ') : noop} where ${where}`;
      shapes.set(shape, sql);
    }
    return { sql, values };
  };
}
