/**
 * Every migration of the PostgreSQL schema, in order. A static list rather than a folder scan, so
 * the migrations run the same from src (tests) and from dist (the built program).
 * Add a migration: a new `NNNN-what.ts` with an `up`, and one line here. Never edit a released one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

export const postgresMigrations: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
