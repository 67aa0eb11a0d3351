/**
 * The one way the PostgreSQL adapter sends SQL: fixed SQL text with `$n` placeholders plus the
 * values, straight to pg (the pool, or the client of a unit) without Kysely's query builder. Each
 * distinct text becomes a named prepared statement, so PostgreSQL parses and plans it once per
 * connection instead of on every call.
 *
 * In: SQL text and values. Out: rows, or the number of changed rows. A lost or refused connection
 * becomes ATOM_ERR_STORE_BUSY (see pg-errors.ts); SQL errors pass through unchanged.
 */
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { toStoreError } from './pg-errors.js';

/**
 * Names of prepared statements by SQL text. Bounded: the texts are fixed or come in a few shapes
 * (patches, filters), and pg keeps every named statement of a connection until it closes.
 */
const names = new Map<string, string>();
const MAX_NAMED = 256;

function queryConfig(text: string, params: readonly unknown[] | undefined): QueryConfig {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `atom_${names.size + 1}`;
    names.set(text, name);
  }
  const values = params as unknown[] | undefined;
  return name === undefined ? { text, values } : { name, text, values };
}

type Send = (text: string, params?: readonly unknown[]) => Promise<QueryResult>;

function executor(send: Send): SqlExecutor {
  return {
    async all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      return (await send(sql, params)).rows as R[];
    },
    async run(sql: string, params?: readonly unknown[]): Promise<number> {
      return (await send(sql, params)).rowCount ?? 0;
    },
  };
}

/** Each statement on whichever pooled connection is free, in autocommit: one statement is atomic. */
export function poolExecutor(pool: Pool): SqlExecutor {
  return executor(async (text, params) => {
    try {
      return await pool.query(queryConfig(text, params));
    } catch (error) {
      throw toStoreError(error);
    }
  });
}

/** The executor of a unit's client, plus the command tag of a statement (to see how COMMIT ended). */
export interface ClientExecutor extends SqlExecutor {
  command(sql: string): Promise<string>;
}

/**
 * Statements on one client, sent one after the other even when the caller starts several at once
 * (pg deprecates queueing queries on a busy client).
 */
export function clientExecutor(client: PoolClient): ClientExecutor {
  let tail: Promise<unknown> = Promise.resolve();
  const send: Send = (text, params) => {
    const result = tail.then(() => client.query(queryConfig(text, params)));
    tail = result.catch(() => {});
    return result.catch((error: unknown) => {
      throw toStoreError(error);
    });
  };
  return { ...executor(send), command: async (sql) => (await send(sql)).command };
}
