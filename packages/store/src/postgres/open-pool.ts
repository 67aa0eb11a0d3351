/**
 * The store's pg.Pool: shared by Kysely (migrations) and the adapter's own queries.
 *
 * In: resolved options. Out: a pool whose connections
 * - read `bigint` columns (epoch ms, event ids, counts) as JavaScript numbers: every value the store
 *   keeps fits in 2^53, and the records' fields are numbers (pg's default is a string);
 * - resolve table names in the store's schema only (`search_path`, sent when the connection
 *   starts, so it costs no extra round trip);
 * - give up connecting after CONNECT_TIMEOUT_MS, which surfaces as ATOM_ERR_STORE_BUSY;
 * - never end the process when their server goes away (a restart, a failover).
 */
import pg from 'pg';
import type { ResolvedPostgresOptions } from './postgres-options.js';

/** Also bounds the wait for a free connection when all `poolMax` are in use. */
const CONNECT_TIMEOUT_MS = 10_000;
const INT8_OID = 20;

const types = new pg.TypeOverrides();
types.setTypeParser(INT8_OID, (text: string) => Number(text));

/**
 * The connection string and the `options` startup parameter that sets the schema. pg lets the
 * URL's own `options` replace ours, so those move into the parameter, ahead of the schema.
 * The schema name is checked by resolvePostgresOptions, so it needs no escaping.
 */
function withSearchPath(connectionString: string, schema: string): { connectionString: string; options: string } {
  const setting = `-c search_path=${schema}`;
  if (!/[?&]options=/.test(connectionString)) return { connectionString, options: setting };
  const url = new URL(connectionString);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: `${own} ${setting}` };
}

export function openPool({ connectionString, poolMax, schema }: ResolvedPostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    ...withSearchPath(connectionString, schema),
    max: poolMax,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'atom',
    types,
  });
  // An idle connection that breaks (server restart) is dropped by the pool, which then emits
  // 'error'; without a listener Node would end the process. The next query opens a fresh one.
  pool.on('error', () => {});
  // A connection that breaks while checked out (a write unit, Kysely's migrations) emits 'error' on
  // its client, which the pool listens to only while the client is idle: the same crash. Its
  // statements fail anyway (that is how callers learn), and the pool drops a client that is no
  // longer queryable when it comes back.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
