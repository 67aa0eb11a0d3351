/**
 * The store this process uses: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file
 * `<data>/atom.db`. Either is brought to the newest schema before use.
 */
import { join } from 'node:path';
import { type AtomStore, createSqliteStore } from '@atom/store';
import type { PostgresStore } from '@atom/store/postgres';
import type { AtomConfig } from './env-config.js';

/** Both adapters keep the engine's state and the server's (ControlStore) in one database. */
export type { AtomStore };

export interface OpenedStore {
  store: AtomStore;
  /** For people: `SQLite ./data/atom.db` or `PostgreSQL host:5432/db`. */
  where: string;
  /** Single statements on the PostgreSQL database for the server's shared counters; null on SQLite. */
  counters: PostgresStore['counters'] | null;
}

export async function openStore(config: AtomConfig, dataDir: string): Promise<OpenedStore> {
  if (config.databaseUrl) {
    const { createPostgresStore } = await import('@atom/store/postgres');
    const store = createPostgresStore({ connectionString: config.databaseUrl, poolMax: config.dbPoolMax });
    await store.migrate();
    const url = new URL(config.databaseUrl);
    return { store, where: `PostgreSQL ${url.host}${url.pathname}`, counters: store.counters };
  }
  const file = join(dataDir, 'atom.db');
  const store = createSqliteStore({ file });
  await store.migrate();
  return { store, where: `SQLite ${file}`, counters: null };
}
