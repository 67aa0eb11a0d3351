/**
 * Brings the store's schema to the newest version with Kysely's Migrator and the static list of
 * migrations, all in one transaction on one connection: a failing migration leaves the schema as it
 * was. The transaction first takes an advisory lock keyed by the schema, so processes that start
 * together migrate one after the other (the second finds nothing left to do) and never race to
 * create the schema or Kysely's bookkeeping tables.
 *
 * In: the store's Kysely instance and schema. Out: nothing, or AtomError ATOM_ERR_STORE_MIGRATION
 * (ATOM_ERR_STORE_BUSY when PostgreSQL cannot be reached).
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationError, migrationFailure } from '../shared/migration-error.js';
import { postgresMigrations } from './migrations/index.js';
import { isConnectionError, toStoreError } from './pg-errors.js';

/** First key of the migration lock (pg_advisory_xact_lock(int, int)); the second is a hash of the schema. */
const MIGRATION_LOCK_CLASS = 0x41544f4d; // 'ATOM'

/**
 * Runs each migration under a savepoint. A failing statement aborts the whole transaction in
 * PostgreSQL; rolled back to the savepoint instead, the transaction stays usable, so Kysely can
 * still record which migration failed and free its own lock before we roll everything back.
 */
const guardedMigrations: MigrationProvider = {
  async getMigrations() {
    const guarded: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(await postgresMigrations.getMigrations())) {
      guarded[name] = {
        async up(db) {
          await sql`savepoint atom_migration`.execute(db);
          try {
            await migration.up(db);
          } catch (error) {
            await sql`rollback to savepoint atom_migration`.execute(db);
            throw error;
          }
          await sql`release savepoint atom_migration`.execute(db);
        },
      };
    }
    return guarded;
  },
};

export async function migratePostgres(db: Kysely<Record<string, never>>, schema: string): Promise<void> {
  try {
    await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_CLASS)}, hashtext(${schema}))`.execute(conn);
        // `create schema if not exists` would still need CREATE on the database, which a role
        // owning only its schema (or just `public`) does not have: create only what is missing.
        const { rows } = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(conn);
        if (rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(conn);
        // Our transaction, not Kysely's: it has to include the lock and the schema above.
        const migrator = new Migrator({
          db: conn,
          provider: guardedMigrations,
          migrationTableName: MIGRATION_TABLE,
          migrationLockTableName: MIGRATION_LOCK_TABLE,
          // Migrations are written on parallel branches and land in any order; each one only adds
          // its own tables and columns, so one numbered below an applied one is still applied.
          allowUnorderedMigrations: true,
          migrationTableSchema: schema,
          disableTransactions: true,
        });
        const failure = migrationFailure(`PostgreSQL schema ${schema}`, await migrator.migrateToLatest());
        if (failure !== undefined) throw failure;
        await sql`commit`.execute(conn);
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => {});
        // Kysely's Migrator also takes a session-level advisory lock; should it have failed to free
        // it (an aborted transaction refuses every statement), free it here, so that this pooled
        // connection does not keep it (another process would wait for it for an hour).
        await sql`select pg_advisory_unlock_all()`.execute(conn).catch(() => {});
        throw error;
      }
    });
  } catch (error) {
    // An AtomError passes unchanged (isConnectionError never takes it for a lost connection).
    if (isConnectionError(error)) throw toStoreError(error);
    throw migrationError(`PostgreSQL schema ${schema}`, error);
  }
}
