/**
 * Migration 0050 for either database (they differ only in the type of epoch-millisecond columns):
 * several workspaces in one installation (ADR 0015).
 *
 * - `workspaces` (id, unique slug, name) with the row `default`, which owns everything that exists.
 * - `memberships`: a user's role per workspace, filled from `users.role` (all of it in `default`);
 *   the column `users.role` is then dropped, so no second copy of a role can drift.
 * - `workspace_id` on workflows, runs, API tokens and invitations, `default` for existing rows.
 *   Workflow names are unique among the live workflows of one workspace; runs get a listing index
 *   per workspace in listRuns' order. Steps and events belong to their run, schedule marks and
 *   webhook deliveries to their workflow, so they need no column of their own.
 *
 * In: the time column type (`integer` in SQLite, `bigint` in PostgreSQL) and the run's ordered id
 * (`id`, or `id collate "C"`). Out: the migration's `up`.
 */
import { type Kysely, sql } from 'kysely';

export function workspacesMigration(time: 'integer' | 'bigint', orderedId: string) {
  const statements = [
    `create table workspaces (
      id text primary key,
      slug text not null unique,
      name text not null,
      created_at ${time} not null
    )`,
    `insert into workspaces (id, slug, name, created_at)
      select 'default', 'default', 'Default', coalesce(min(created_at), 0) from users`,
    `create table memberships (
      workspace_id text not null references workspaces (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      role text not null,
      created_at ${time} not null,
      primary key (workspace_id, user_id)
    )`,
    'create index memberships_user on memberships (user_id, created_at)',
    `insert into memberships (workspace_id, user_id, role, created_at)
      select 'default', id, role, created_at from users`,
    'alter table users drop column role',

    "alter table workflows add column workspace_id text not null default 'default'",
    'drop index workflows_live_name',
    'create unique index workflows_live_name on workflows (workspace_id, name) where deleted_at is null',
    "alter table runs add column workspace_id text not null default 'default'",
    `create index runs_workspace_listing on runs (workspace_id, created_at, ${orderedId})`,
    "alter table api_tokens add column workspace_id text not null default 'default'",
    "alter table invitations add column workspace_id text not null default 'default'",
  ];
  return async function up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  };
}
