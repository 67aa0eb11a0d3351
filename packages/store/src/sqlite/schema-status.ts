/**
 * The schema status of a SQLite file, read through a read-only connection: a missing file is
 * reported as not existing (nothing is created), a file that is not a database is an error.
 * In: the file. Out: SchemaStatus, or AtomError ATOM_ERR_STORE_MIGRATION when it cannot be read.
 */
import { existsSync } from 'node:fs';
import { AtomError } from '@atom/errors';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATION_TABLE } from '../shared/migration-error.js';
import { compareMigrations, type SchemaStatus } from '../shared/schema-status.js';
import { sqliteMigrations } from './migrations/index.js';

export async function sqliteSchemaStatus(file: string): Promise<SchemaStatus> {
  const known = Object.keys(await sqliteMigrations.getMigrations());
  if (!existsSync(file)) return compareMigrations(known, [], false);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const table = db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(MIGRATION_TABLE);
    if (table === undefined) return compareMigrations(known, [], false);
    const rows = db.prepare(`select name from ${MIGRATION_TABLE}`).all() as Array<{ name: string }>;
    return compareMigrations(
      known,
      rows.map((row) => row.name),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AtomError('ATOM_ERR_STORE_MIGRATION', `cannot read the SQLite database ${file}: ${reason}`, {
      cause: error,
    });
  } finally {
    db?.close();
  }
}
