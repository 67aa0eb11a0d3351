/**
 * Migration 0041: how long a workspace keeps the data of finished runs (null: for ever).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`create table workspace_retention (
    workspace_id text primary key,
    run_days integer,
    updated_at bigint not null
  )`)
    .execute(db);
  // The pruner looks for the oldest finished runs.
  await sql.raw('create index runs_finished_at on runs (finished_at)').execute(db);
}
