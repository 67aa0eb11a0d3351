/**
 * How both adapters report a failed migration: ATOM_ERR_STORE_MIGRATION naming what was migrated
 * and, when Kysely's Migrator says so, the migration that failed. Also the names of Kysely's
 * bookkeeping tables, the same in both databases.
 * In: what was being migrated (`/data/atom.db`, `PostgreSQL schema public`) and the failure.
 * Out: the AtomError to throw.
 */
import { AtomError } from '@atom/errors';
import type { MigrationResultSet } from 'kysely';

/** Kysely's table of applied migrations, and of its lock. */
export const MIGRATION_TABLE = 'atom_migration';
export const MIGRATION_LOCK_TABLE = 'atom_migration_lock';

/** The error of a `migrateToLatest()` that failed, or undefined when it succeeded. */
export function migrationFailure(target: string, { error, results }: MigrationResultSet): AtomError | undefined {
  if (error === undefined) return undefined;
  const failed = results?.find((result) => result.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  return new AtomError(
    'ATOM_ERR_STORE_MIGRATION',
    `migrating ${target}${failed ? ` failed at ${failed}` : ''}: ${reason}`,
    {
      cause: error,
    },
  );
}

/** Any other failure around the migration (opening the unit, taking locks), as a migration error. */
export function migrationError(target: string, error: unknown): AtomError {
  if (error instanceof AtomError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AtomError('ATOM_ERR_STORE_MIGRATION', `migrating ${target}: ${reason}`, { cause: error });
}
