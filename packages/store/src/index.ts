/**
 * @atom/store: StorePort and BlobPort adapters.
 *
 * The conformance suite (`conformance/store-conformance.ts`) is deliberately not exported here: it
 * imports vitest, which must not load with the program. Adapters in this package import it by path.
 */

export { createFileBlobStore } from './blob/file-blob-store.js';
export {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from './postgres/postgres-store.js';
export { SQLITE_PRAGMAS } from './sqlite/open-database.js';
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
