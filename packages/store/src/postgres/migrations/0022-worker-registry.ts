/** Migration 0022: the worker registry also records each worker's concurrency and running steps. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      'alter table workers add column concurrency integer not null default 0, add column running integer not null default 0',
    )
    .execute(db);
}
