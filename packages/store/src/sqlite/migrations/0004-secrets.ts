/**
 * Migration 0004: workspace secrets, stored sealed (the store never sees a value), and workspace
 * variables. Keyed by workspace and name.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `create table secrets (
    workspace_id text not null,
    name text not null,
    sealed text not null,
    created_at integer not null,
    updated_at integer not null,
    primary key (workspace_id, name)
  )`,
  `create table variables (
    workspace_id text not null,
    name text not null,
    value text not null,
    updated_at integer not null,
    primary key (workspace_id, name)
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
