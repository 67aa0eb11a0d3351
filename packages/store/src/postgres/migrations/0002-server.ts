/**
 * Migration 0002: what the server needs besides the engine's records; the same tables and indexes
 * as SQLite's 0002.
 *
 * - Workflows become a catalogue: soft delete (`deleted_at`), `triggers_enabled`, and the newest
 *   version's number, description, time and search text on the row (see shared/catalogue-text.ts).
 *   Names are unique among workflows that are not deleted only: 0001's constraint gives way to a
 *   partial unique index. Names compare in the "C" collation, byte order like SQLite, so the
 *   listing (by name) pages alike on any server locale.
 * - Runs get `dedupe_key` (unique per workflow when set) and `trigger_kind`, derived from
 *   `trigger ->> 'kind'` by PostgreSQL itself, and listing indexes in listRuns' order
 *   (`created_at desc, id desc`, ids in "C" order), alone or after each equality filter.
 * - Users (email unique case-insensitively through `email_key`, lower-cased by the store), API
 *   tokens (found by the hash of the token), and the last fire time handled per schedule trigger.
 */
import { type Kysely, sql } from 'kysely';
import { describeDocument, searchText } from '../../shared/catalogue-text.js';

const STATEMENTS = [
  'alter table workflows drop constraint workflows_name_key',
  'alter table workflows alter column name type text collate "C"',
  `alter table workflows
    add column version integer not null default 0,
    add column description text,
    add column search_text text not null default '',
    add column updated_at bigint,
    add column changed_at bigint,
    add column triggers_enabled boolean not null default true,
    add column deleted_at bigint`,
  'update workflows set updated_at = created_at, changed_at = created_at',
  'alter table workflows alter column updated_at set not null, alter column changed_at set not null',
  // Serves the uniqueness of live names (and `on conflict` on them) and the catalogue listing.
  'create unique index workflows_live_name on workflows (name) where deleted_at is null',

  'alter table runs add column dedupe_key text',
  "alter table runs add column trigger_kind text generated always as (trigger ->> 'kind') stored",
  'create unique index runs_dedupe on runs (workflow_id, dedupe_key) where dedupe_key is not null',
  'drop index runs_created_at',
  'create index runs_listing on runs (created_at, id collate "C")',
  'drop index runs_workflow_name',
  'create index runs_workflow_name_listing on runs (workflow_name, created_at, id collate "C")',
  'create index runs_workflow_listing on runs (workflow_id, created_at, id collate "C")',
  'create index runs_trigger_kind_listing on runs (trigger_kind, created_at, id collate "C")',

  `create table users (
    id text primary key,
    email text not null,
    email_key text not null unique,
    role text not null,
    password_hash text,
    created_at bigint not null
  )`,
  `create table api_tokens (
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    created_at bigint not null,
    expires_at bigint,
    last_used_at bigint,
    revoked_at bigint
  )`,
  'create index api_tokens_user on api_tokens (user_id)',
  `create table schedule_marks (
    workflow_id text not null,
    trigger_key text not null,
    fire_at bigint not null,
    primary key (workflow_id, trigger_key)
  )`,
];

interface NewestRow {
  id: string;
  name: string;
  version: number;
  document: unknown;
  created_at: number;
}

/** Copies each workflow's newest version onto its row (workflows always have one: 0001 wrote both in one unit). */
async function fillCatalogue(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<NewestRow>`select distinct on (w.id) w.id, w.name, v.version, v.document, v.created_at
    from workflows w join workflow_versions v on v.workflow_id = w.id
    order by w.id, v.version desc`.execute(db);
  for (const row of rows) {
    const description = describeDocument(row.document);
    await sql`update workflows set version = ${row.version}, description = ${description},
      search_text = ${searchText(row.name, description)}, updated_at = ${row.created_at}
      where id = ${row.id}`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  await fillCatalogue(db);
}
