/** @atom/store/postgres: the StorePort on PostgreSQL (a separate entry: only loaded when used). */
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { type PostgresSchemaStatus, postgresSchemaStatus } from './schema-status.js';
