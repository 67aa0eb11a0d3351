/**
 * @atom/store: StorePort and BlobPort adapters.
 *
 * The conformance suite (`conformance/store-conformance.ts`) is deliberately not exported here: it
 * imports vitest, which must not load with the program. Adapters in this package import it by path.
 * The PostgreSQL adapter is its own entry, `@atom/store/postgres`, so that programs on the embedded
 * SQLite store do not load the PostgreSQL driver.
 */

export { createFileBlobStore } from './blob/file-blob-store.js';
export { SQLITE_PRAGMAS } from './sqlite/open-database.js';
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
