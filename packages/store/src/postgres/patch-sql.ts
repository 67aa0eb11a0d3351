/**
 * UPDATE statements for partial patches (RunPatch, StepPatch). The SQL text depends only on which
 * fields are set and on the WHERE clause, so it is built once per shape and reused (which also
 * keeps the number of prepared statements small).
 *
 * In: a patch (fields whose value is `undefined` are left unchanged) and a WHERE clause using
 * `$1`…`$n`. Out: `update <table> set … where …` whose `set` placeholders follow the WHERE's, and
 * the values for them; send the WHERE's values first.
 */
import { toJson } from './json-param.js';

export interface PatchColumn {
  field: string;
  column: string;
  json: boolean;
}

export interface PatchStatement {
  sql: string;
  /** Values of the `set` placeholders, to append after the WHERE clause's values. */
  values: unknown[];
}

/**
 * @param noop an assignment that changes nothing, used when the patch sets no field (the UPDATE
 *   then still reports whether a row matched).
 */
export function patchSql(
  table: string,
  columns: readonly PatchColumn[],
  noop: string,
): (patch: object, where: string, whereParams: number) => PatchStatement {
  const cache = new Map<string, string>();
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
    const key = `${shape} ${where}`;
    let sql = cache.get(key);
    if (sql === undefined) {
      const sets = columns
        .filter((_, i) => shape[i] === '1')
        .map(({ column }, i) => `${column} = $${whereParams + i + 1}`);
      sql = `update ${table} set ${sets.length > 0 ? sets.join(', ') : noop} where ${where}`;
      cache.set(key, sql);
    }
    return { sql, values };
  };
}
