/**
 * The options of `createPostgresStore`, checked before any connection is made.
 *
 * In: what the caller passed (from configuration, so possibly anything). Out: the options with
 * their defaults, or AtomError ATOM_ERR_CONFIG_INVALID naming every bad value. Messages never
 * repeat the connection string: it may hold a password.
 */
import { AtomError, type ErrorDetail } from '@atom/errors';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq URL parameters such as `sslmode` work). */
  connectionString: string;
  /** Most connections the store opens at once. Default 10. */
  poolMax?: number;
  /**
   * The PostgreSQL schema that holds the tables (created by `migrate()` when missing). Default
   * `public`. Lower-case letters, digits and `_`, so it needs no quoting anywhere.
   */
  schema?: string;
  /**
   * How long the dashboard's rollup waits before it takes step-end events up to an event id it
   * has seen (ADR 0020): longer than any write transaction lasts, since one open when the id was
   * seen may still commit a smaller id. Default 60,000 ms; 0 only where nothing writes concurrently.
   */
  statsSettleMs?: number;
}

export interface ResolvedPostgresOptions {
  connectionString: string;
  poolMax: number;
  schema: string;
  statsSettleMs: number;
}

const URL_PREFIX = /^postgres(ql)?:\/\//;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_POOL = 1000;

export function resolvePostgresOptions(options: PostgresStoreOptions): ResolvedPostgresOptions {
  const given = (options ?? {}) as Partial<Record<keyof PostgresStoreOptions, unknown>>;
  const details: ErrorDetail[] = [];
  const { connectionString, poolMax = 10, schema = 'public', statsSettleMs = 60_000 } = given;
  if (typeof connectionString !== 'string' || !URL_PREFIX.test(connectionString)) {
    details.push({ path: 'connectionString', message: 'must be a postgres:// or postgresql:// URL' });
  }
  if (typeof poolMax !== 'number' || !Number.isInteger(poolMax) || poolMax < 1 || poolMax > MAX_POOL) {
    details.push({ path: 'poolMax', message: `must be a whole number from 1 to ${MAX_POOL}, got ${String(poolMax)}` });
  }
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    details.push({
      path: 'schema',
      message: `must be lower-case letters, digits and _ (not starting with a digit or pg_), got ${JSON.stringify(schema)}`,
    });
  }
  if (typeof statsSettleMs !== 'number' || !Number.isInteger(statsSettleMs) || statsSettleMs < 0) {
    details.push({
      path: 'statsSettleMs',
      message: `must be a whole number of ms, 0 or more, got ${String(statsSettleMs)}`,
    });
  }
  if (details.length > 0) {
    const list = details.map((d) => `${d.path} ${d.message}`).join('; ');
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `invalid PostgreSQL store options: ${list}`, { details });
  }
  return {
    connectionString: connectionString as string,
    poolMax: poolMax as number,
    schema: schema as string,
    statsSettleMs: statsSettleMs as number,
  };
}
