/**
 * The schema status of a PostgreSQL database, read with one short-lived connection and a single
 * SELECT (nothing is created or locked), plus the server's version for `atom doctor`.
 * In: the store's options. Out: SchemaStatus and the version, or AtomError ATOM_ERR_STORE_BUSY
 * when the server cannot be reached (the message never repeats the connection string).
 */
import pg from 'pg';
import { MIGRATION_TABLE } from '../shared/migration-error.js';
import { compareMigrations, type SchemaStatus } from '../shared/schema-status.js';
import { postgresMigrations } from './migrations/index.js';
import { isConnectionError, toStoreError } from './pg-errors.js';
import { type PostgresStoreOptions, resolvePostgresOptions } from './postgres-options.js';

export interface PostgresSchemaStatus extends SchemaStatus {
  /** `server_version` as the server reports it, e.g. `15.19 (Debian 15.19-0+deb12u1)`. */
  serverVersion: string;
}

export async function postgresSchemaStatus(
  options: PostgresStoreOptions,
  connectTimeoutMs = 5_000,
): Promise<PostgresSchemaStatus> {
  const { connectionString, schema } = resolvePostgresOptions(options);
  const known = Object.keys(await postgresMigrations.getMigrations());
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: connectTimeoutMs });
  try {
    await client.connect();
    const version = await client.query<{ server_version: string }>('show server_version');
    const serverVersion = version.rows[0]?.server_version ?? 'unknown';
    const table = await client.query('select 1 from pg_tables where schemaname = $1 and tablename = $2', [
      schema,
      MIGRATION_TABLE,
    ]);
    if (table.rowCount === 0) return { ...compareMigrations(known, [], false), serverVersion };
    const rows = await client.query<{ name: string }>(`select name from "${schema}".${MIGRATION_TABLE}`);
    return {
      ...compareMigrations(
        known,
        rows.rows.map((row) => row.name),
      ),
      serverVersion,
    };
  } catch (error) {
    if (isConnectionError(error)) throw toStoreError(error);
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}
