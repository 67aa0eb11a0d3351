/**
 * Migration 0006: per-workspace settings that change at run time (the tier and its overrides).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`create table workspace_settings (
    workspace_id text primary key,
    tier text not null,
    overrides jsonb,
    updated_at bigint not null
  )`)
    .execute(db);
}
