/**
 * What the query functions of both adapters send SQL through: fixed SQL text plus positional
 * parameters (`?` in SQLite, `$n` in PostgreSQL). Each adapter builds its own executors (see its
 * `sql-executor.ts`); the query functions and the StoreTx see only this interface.
 *
 * In: SQL text and values. Out: rows, or the number of changed rows.
 */
import { AtomError } from '@atom/errors';

export interface SqlExecutor {
  /** Runs a query that returns rows (SELECT, or a write with RETURNING). */
  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a write and returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** The methods of `T`, each taking the executor first: the shape of the adapters' query functions. */
export type ExecFirst<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (exec: SqlExecutor, ...args: A) => R : never;
};

/**
 * An executor that stops working once `close()` is called: a StoreTx kept past the end of its unit
 * would otherwise write outside any transaction (SQLite) or on a connection that serves someone
 * else by then (PostgreSQL).
 */
export function closableExecutor(inner: SqlExecutor): SqlExecutor & { close(): void } {
  let open = true;
  const check = (): void => {
    if (!open) throw new AtomError('ATOM_ERR_INTERNAL', 'a StoreTx was used after its atomically() unit ended');
  };
  return {
    all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      check();
      return inner.all<R>(sql, params);
    },
    run(sql: string, params?: readonly unknown[]): Promise<number> {
      check();
      return inner.run(sql, params);
    },
    close() {
      open = false;
    },
  };
}
