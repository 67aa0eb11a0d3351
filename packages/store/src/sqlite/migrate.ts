/**
 * Brings a SQLite database to the newest schema with Kysely's Migrator and the static list of
 * migrations. Kysely runs SQLite migrations outside any transaction, so this wraps the whole run
 * in one IMMEDIATE write unit: a failing migration leaves the schema as it was, and processes that
 * start together apply each migration once.
 *
 * In: the store's connection. Out: nothing, or AtomError ATOM_ERR_STORE_MIGRATION.
 */
import { Migrator } from 'kysely';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationError, migrationFailure } from '../shared/migration-error.js';
import { sqliteMigrations } from './migrations/index.js';
import { type WriteUnitContext, writeUnit } from './write-unit.js';

export async function migrateSqlite(context: WriteUnitContext, file: string): Promise<void> {
  try {
    await writeUnit(context, async (_exec, conn) => {
      const migrator = new Migrator({
        db: conn,
        provider: sqliteMigrations,
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
        // Migrations are written on parallel branches and land in any order; each one only adds
        // its own tables and columns, so one numbered below an applied one is still applied.
        allowUnorderedMigrations: true,
      });
      const failure = migrationFailure(file, await migrator.migrateToLatest());
      if (failure !== undefined) throw failure;
    });
  } catch (error) {
    throw migrationError(file, error);
  }
}
