/**
 * Opens the SQLite file (creating its folder) with the store's pragmas.
 *
 * In: a path or ':memory:', the busy timeout. Out: a better-sqlite3 handle in WAL mode with
 * `synchronous = NORMAL` (a commit is durable at the next checkpoint, never corrupt) and foreign
 * keys on. Opening waits for a lock up to the timeout like SQLite usually does; afterwards
 * `busy_timeout` is 0 and the adapter waits asynchronously instead (see busy.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AtomError } from '@atom/errors';
import BetterSqlite3, { type Database } from 'better-sqlite3';

/**
 * The store's pragmas, also used by bench/engine for its SQLite ceiling so both run alike.
 * A larger page cache keeps the hot pages (claim index, event tail) in memory; a larger WAL before
 * each automatic checkpoint lets pages written many times be copied back once.
 */
export const SQLITE_PRAGMAS: readonly string[] = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'foreign_keys = ON',
  'cache_size = -65536',
  'wal_autocheckpoint = 8192',
  'temp_store = MEMORY',
];

export function openDatabase(file: string, busyTimeoutMs: number): Database {
  const inMemory = file === ':memory:' || file === '';
  let raw: Database | undefined;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(file)), { recursive: true });
    raw = new BetterSqlite3(file, { timeout: busyTimeoutMs });
    for (const pragma of SQLITE_PRAGMAS) raw.pragma(pragma);
    raw.pragma('busy_timeout = 0');
    return raw;
  } catch (error) {
    raw?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new AtomError('ATOM_ERR_STORE_MIGRATION', `cannot open the SQLite database ${file}: ${reason}`, {
      cause: error,
    });
  }
}
