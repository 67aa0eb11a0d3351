/**
 * PostgreSQL's SqlDialect (shared/sql-dialect.ts): `$n` placeholders, `jsonb` that pg already
 * parses, so rows are records as they arrive.
 */
import type { SqlDialect } from '../shared/sql-dialect.js';

export const POSTGRES_DIALECT: SqlDialect = {
  param: (n) => `$${n}`,
  patchParams(where, set) {
    for (const value of set) where.push(value);
    return where;
  },
  decodeJson: <T>(row: object) => row as T,
  decodeRows: <T>(rows: object[]) => rows as T[],
  rowLock: ' for update',
  feedPosition: "e.pos_tx::text || ':' || e.id",
  feedOrderLastFirst: 'e.pos_tx desc, e.id desc',
};
