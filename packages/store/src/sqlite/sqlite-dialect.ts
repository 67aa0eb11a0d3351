/**
 * SQLite's SqlDialect (shared/sql-dialect.ts): `?` placeholders bound in text order, JSON in TEXT
 * columns parsed on the way out.
 */
import type { SqlDialect } from '../shared/sql-dialect.js';
import { decodeJson } from './json-column.js';

export const SQLITE_DIALECT: SqlDialect = {
  param: () => '?',
  patchParams(where, set) {
    for (const value of where) set.push(value);
    return set;
  },
  decodeJson,
  decodeRows<T>(rows: object[], fields: readonly string[]): T[] {
    for (const row of rows) decodeJson(row, fields);
    return rows as T[];
  },
  rowLock: '',
  feedPosition: "'0:' || e.id",
  feedOrderLastFirst: 'e.id desc',
};
