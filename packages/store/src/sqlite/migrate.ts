/**
 * Brings a SQLite database to the newest schema with Kysely's Migrator and the static list of
 * migrations. Kysely runs SQLite migrations outside any transaction, so this wraps the whole run
 * in one IMMEDIATE write unit: a failing migration leaves the schema as it was, and processes that
 * start together apply each migration once.
 *
 * In: the store's connection. Out: nothing, or AtomError ATOM_ERR_STORE_MIGRATION.
 */
import { AtomError } from '@atom/errors';
import { Migrator } from 'kysely';
import { sqliteMigrations } from './migrations/index.js';
import { type WriteUnitContext, writeUnit } from './write-unit.js';

export const MIGRATION_TABLE = 'atom_migration';
export const MIGRATION_LOCK_TABLE = 'atom_migration_lock';

export async function migrateSqlite(context: WriteUnitContext, file: string): Promise<void> {
  try {
    await writeUnit(context, async (_exec, conn) => {
      const migrator = new Migrator({
        db: conn,
        provider: sqliteMigrations,
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((result) => result.status === 'Error')?.migrationName;
        const reason = error instanceof Error ? error.message : String(error);
        throw new AtomError(
          'ATOM_ERR_STORE_MIGRATION',
          `migrating ${file}${failed ? ` failed at ${failed}` : ''}: ${reason}`,
          { cause: error },
        );
      }
    });
  } catch (error) {
    if (error instanceof AtomError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AtomError('ATOM_ERR_STORE_MIGRATION', `migrating ${file}: ${reason}`, { cause: error });
  }
}
