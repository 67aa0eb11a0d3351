/**
 * The store this process uses: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file
 * `<data>/atom.db`. Either is brought to the newest schema before use.
 */
import { join } from 'node:path';
import { type AtomStore, createSqliteStore } from '@atom/store';
import type { AtomConfig } from './env-config.js';

/** Both adapters keep the engine's state and the server's (ControlStore) in one database. */
export type { AtomStore };

export interface OpenedStore {
  store: AtomStore;
  /** For people: `SQLite ./data/atom.db` or `PostgreSQL host:5432/db`. */
  where: string;
}

export async function openStore(config: AtomConfig, dataDir: string): Promise<OpenedStore> {
  if (config.databaseUrl) {
    const { createPostgresStore } = await import('@atom/store/postgres');
    const store = createPostgresStore({ connectionString: config.databaseUrl, poolMax: config.dbPoolMax });
    await store.migrate();
    const url = new URL(config.databaseUrl);
    return { store, where: `PostgreSQL ${url.host}${url.pathname}` };
  }
  const file = join(dataDir, 'atom.db');
  const store = createSqliteStore({ file });
  await store.migrate();
  return { store, where: `SQLite ${file}` };
}
